"""API tokens: made at sign-in through the API, looked up by their hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from kajet.accounts.models import SignInAttempt, User, UserSession
from kajet.accounts.services.client import client_ip, user_agent
from kajet.accounts.services.sessions import token_idle_limit
from kajet.accounts.services.signin import record_attempt


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, request: HttpRequest, user: User) -> str:
    """Issue an API token (returned once; only its SHA-256 is stored) and record the sign-in.

    A token lives at most ``KAJET_TOKEN_DAYS`` (absolute) and dies after
    ``KAJET_TOKEN_IDLE_DAYS`` without use (idle), like a web session but on the time scale
    of a phone app."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    UserSession.objects.create(
        user=user,
        kind=UserSession.Kind.API,
        key=token_hash(raw),
        expires_at=now + timedelta(days=int(settings.KAJET_TOKEN_DAYS)),
        ip=client_ip(request),
        user_agent=user_agent(request),
    )
    record_attempt(
        request, login_name=user.login, user=user, result=SignInAttempt.Result.SUCCESS, via="api"
    )
    return raw


#: Seconds between writes of a token's last use (a busy app must not write on every call).
TOKEN_TOUCH_EVERY = 60


def api_token_user(raw: str) -> tuple[User, UserSession] | None:
    """The active user and device behind a token, or None (one query; one more write at
    most once a minute to record the last use). An idle token is ended here."""
    device = (
        UserSession.objects.select_related("user", "user__school")
        .filter(key=token_hash(raw), kind=UserSession.Kind.API, ended_at__isnull=True)
        .first()
    )
    if device is None or not device.is_active or not device.user.is_active:
        return None
    now = timezone.now()
    if now - device.last_seen_at > token_idle_limit():
        UserSession.objects.filter(pk=device.pk).update(ended_at=now)
        return None
    if (now - device.last_seen_at).total_seconds() > TOKEN_TOUCH_EVERY:
        UserSession.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device.user, device
