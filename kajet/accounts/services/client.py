"""What a request says about its client: address, browser, both for the records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy (KAJET_HTTPS) the proxy must overwrite X-Forwarded-For; we take the
    # address it appended last. Without a proxy only REMOTE_ADDR is trusted.
    if settings.KAJET_HTTPS:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def request_meta(request: HttpRequest) -> dict[str, Any]:
    return {"ip": client_ip(request), "user_agent": user_agent(request)}
