"""Forgotten password by e-mail, for Kajet accounts and for staff logins with an e-mail on
file: a link valid one hour, used once; the same answer whether or not the address exists;
rate-limited per address and per network.

Timing: the page's answer is padded to ``KAJET_RESET_ANSWER_SECONDS`` (the work — a lookup,
a token, rendering an e-mail — takes well under it), so a known and an unknown address take the
same time; tested statistically in tests/test_reset_timing.py.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kajet.accounts import services as account_services
from kajet.accounts.models import User
from kajet.core.mail import send_transactional
from kajet.portal.models import PasswordResetRequest, PortalAccount
from kajet.portal.rules import normalize_email

log = logging.getLogger("kajet.portal")

RESET_VALID = timedelta(hours=1)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def reset_rate_limited(*, email: str, ip: str | None) -> str | None:
    """ "address" or "network" when too many links were asked for in the last hour, else None.
    Requests for unknown addresses count the same way."""
    since = timezone.now() - timedelta(hours=1)
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    if ip and recent.filter(ip=ip).count() >= settings.KAJET_RESET_PER_NETWORK_HOUR:
        return "network"
    if recent.filter(email_hash=_sha256(email)).count() >= settings.KAJET_RESET_PER_ADDRESS_HOUR:
        return "address"
    return None


def _staff_with_email(email: str) -> list[User]:
    return list(
        User.objects.filter(email__iexact=email, kind=User.Kind.STAFF, is_active=True).order_by(
            "pk"
        )
    )


@transaction.atomic
def password_reset_request(*, email: str, ip: str | None, link_base: str, language: str) -> None:
    """Record the request and, when the address belongs to a Kajet account or to staff logins,
    e-mail a one-hour link for each (never says which happened). Over the address limit
    nothing is sent."""
    email = normalize_email(email)
    over_limit = reset_rate_limited(email=email, ip=ip) is not None
    owners: list[PortalAccount | User] = []
    account = PortalAccount.objects.filter(email=email, activated_at__isnull=False).first()
    if account is not None:
        owners.append(account)
    owners.extend(_staff_with_email(email))
    if over_limit or not owners:
        PasswordResetRequest.objects.create(email_hash=_sha256(email), ip=ip)
        return
    for owner in owners:
        raw = secrets.token_urlsafe(32)
        PasswordResetRequest.objects.create(
            account=owner if isinstance(owner, PortalAccount) else None,
            user=owner if isinstance(owner, User) else None,
            email_hash=_sha256(email),
            ip=ip,
            token_hash=_sha256(raw),
        )
        send_transactional(
            to=email,
            template="portal/email/password_reset",
            context={
                "link": f"{link_base}?t={raw}",
                "login": owner.login if isinstance(owner, User) else "",
                "valid_minutes": int(RESET_VALID.total_seconds() // 60),
            },
            language=account.language if account is not None else language,
        )


@dataclass(frozen=True)
class ResetCheck:
    state: str  # ok | expired | used | invalid
    request: PasswordResetRequest | None = None


def password_reset_check(raw: str) -> ResetCheck:
    """What a reset link is worth now (never raises)."""
    if not raw:
        return ResetCheck("invalid")
    row = (
        PasswordResetRequest.objects.select_related("account", "user")
        .filter(token_hash=_sha256(raw))
        .first()
    )
    if row is None or (row.account is None and row.user is None):
        return ResetCheck("invalid")
    if row.used_at is not None:
        return ResetCheck("used")
    if timezone.now() - row.created_at > RESET_VALID:
        return ResetCheck("expired")
    return ResetCheck("ok", row)


@transaction.atomic
def password_reset_complete(*, raw: str, new_password: str) -> bool:
    """Set the new password through a valid link, once: the link (and every other open link of
    the same owner) is used up, and every session and token of the owner ends."""
    check = password_reset_check(raw)
    if check.request is None:
        return False
    row = check.request
    now = timezone.now()
    used = PasswordResetRequest.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
    if not used:  # the same link used twice at the same moment
        return False
    if row.account is not None:
        account = row.account
        account.set_password(new_password)  # the portal sessions' hash changes with it
        account.save(update_fields=["password"])
        PasswordResetRequest.objects.filter(account=account, used_at__isnull=True).update(
            used_at=now
        )
        log.info("portal account %s: password reset by e-mail link", account.pk)
    elif row.user is not None:
        user = row.user
        account_services.password_change(user=user, new_password=new_password)
        account_services.sessions_end_all(user_ids=[user.pk])
        PasswordResetRequest.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        log.info("user %s: password reset by e-mail link", user.pk)
    return True
