"""App tokens of Kajet accounts: the API's side of the portal account.

An app signs in with the account's e-mail and password (the same throttle and lockout as
the web) and gets a token; ``GET /api/v1/me`` lists the linked school logins, and every other
call names one of them (``X-Kajet-Login``) and runs exactly as that school login — its school,
its rights, its 404s. A link never widens access.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kajet.accounts.services import TOKEN_TOUCH_EVERY, token_hash, token_idle_limit
from kajet.portal.models import LoginLink, PortalAccount, PortalToken
from kajet.portal.services import session_mark


@transaction.atomic
def portal_token_create(*, account: PortalAccount) -> str:
    """A new token (returned once; only its SHA-256 is kept), ``KAJET_TOKEN_DAYS`` at most."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    PortalToken.objects.create(
        key=token_hash(raw),
        account=account,
        password_mark=session_mark(account),
        expires_at=now + timedelta(days=int(settings.KAJET_TOKEN_DAYS)),
        last_seen_at=now,
    )
    PortalAccount.objects.filter(pk=account.pk).update(last_sign_in_at=now)
    return raw


def portal_token_resolve(raw: str) -> tuple[PortalAccount, PortalToken] | None:
    """The active account behind a token, or None: unknown, ended, expired, idle for
    ``KAJET_TOKEN_IDLE_DAYS``, or issued before the password last changed (one query; a
    write at most once a minute to record the use)."""
    token = (
        PortalToken.objects.select_related("account")
        .filter(key=token_hash(raw), ended_at__isnull=True, account__activated_at__isnull=False)
        .first()
    )
    now = timezone.now()
    if token is None or token.expires_at <= now:
        return None
    if token.password_mark != session_mark(token.account) or (
        now - token.last_seen_at > token_idle_limit()
    ):
        PortalToken.objects.filter(pk=token.pk).update(ended_at=now)
        return None
    if (now - token.last_seen_at).total_seconds() > TOKEN_TOUCH_EVERY:
        PortalToken.objects.filter(pk=token.pk).update(last_seen_at=now)
    return token.account, token


def portal_token_end(*, token: PortalToken) -> None:
    PortalToken.objects.filter(pk=token.pk, ended_at__isnull=True).update(ended_at=timezone.now())


def portal_link_for_login(account: PortalAccount, login: str) -> LoginLink | None:
    """The account's link to this school login (its school loaded), or None — also for a
    login on another account or on none (the caller answers 404 for both)."""
    link = (
        LoginLink.objects.select_related("user", "user__school")
        .filter(account=account, user__login=login.strip().lower())
        .first()
    )
    if link is None or not link.user.is_active:
        return None
    now = timezone.now()
    if link.last_used_at is None or (now - link.last_used_at).total_seconds() > TOKEN_TOUCH_EVERY:
        LoginLink.objects.filter(pk=link.pk).update(last_used_at=now)
        link.last_used_at = now
    return link
