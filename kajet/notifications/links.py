"""Absolute links in e-mails and the signed links that work without signing in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

PREFS_SALT = "kajet.notifications.preferences-link"
VERIFY_SALT = "kajet.notifications.verify-address"
VERIFY_MAX_AGE = 7 * 24 * 3600


def absolute(path: str) -> str:
    """``path`` on the public address of this Kajet (``KAJET_BASE_URL``)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.KAJET_BASE_URL.rstrip("/") + path


def preferences_token(*, user_id: int, kind: str = "") -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=PREFS_SALT, compress=True)


def preferences_link(*, user_id: int, kind: str = "") -> str:
    token = preferences_token(user_id=user_id, kind=kind)
    return absolute(reverse("notifications:email_preferences", args=[token]))


def read_preferences_token(token: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(token, salt=PREFS_SALT)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("u"), int) else None


def verify_link(*, user_id: int, email: str) -> str:
    token = signing.dumps({"u": user_id, "e": email}, salt=VERIFY_SALT, compress=True)
    return absolute(reverse("notifications:verify_address", args=[token]))


def read_verify_token(token: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    return data if isinstance(data, dict) and isinstance(data.get("u"), int) else None
