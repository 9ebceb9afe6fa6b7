"""The school office's view of sign-in locks and its unlock (``kajet.accounts.lockout``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from kajet.accounts.lockout import LockRule, pair_failures, pair_locked_until
from kajet.accounts.models import SignInAttempt, User
from kajet.core.history import history_record

FAILURES = (SignInAttempt.Result.BAD_CREDENTIALS, SignInAttempt.Result.BAD_OTP)


@dataclass(frozen=True)
class LockRow:
    """One current lock of a login: from one address (``ip``), or from every address the
    login never signed in from (``ip`` None: the per-login ceiling)."""

    user: User
    ip: str | None
    failures: int
    until: datetime


def _rows_by_login(school_id: int, since: datetime) -> dict[int, list[dict[str, Any]]]:
    rows = (
        SignInAttempt.objects.filter(
            user__school_id=school_id,
            at__gte=since,
            result__in=(*FAILURES, SignInAttempt.Result.SUCCESS, SignInAttempt.Result.UNLOCKED),
        )
        .order_by("-at", "-pk")
        .values("user_id", "ip", "at", "result")
    )
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["user_id"]].append(dict(row))
    return grouped


def _since_unlock(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows after the office's last unlock (rows are newest first)."""
    kept = []
    for row in rows:
        if row["result"] == SignInAttempt.Result.UNLOCKED:
            break
        kept.append(row)
    return kept


def _locks_of(user: User, rows: list[dict[str, Any]], rule: LockRule, now: datetime) -> list:
    by_ip: dict[str | None, list[tuple[datetime, str]]] = defaultdict(list)
    for row in rows:
        by_ip[row["ip"]].append((row["at"], row["result"]))
    found = []
    for ip, attempts in by_ip.items():
        failures = pair_failures(attempts, reset_results={SignInAttempt.Result.SUCCESS})
        until = pair_locked_until(failures, rule)
        if until and until > now:
            found.append(LockRow(user, ip, len(failures), until))
    total = sum(1 for row in rows if row["result"] in FAILURES)
    if total >= rule.account_ceiling:
        found.append(LockRow(user, None, total, now + timedelta(hours=1)))
    return found


def signin_locks_for_school(*, school_id: int, rule: LockRule, now: datetime) -> list[LockRow]:
    """Every login of the school that is locked now, from which address and until when
    (two queries however many attempts), ordered by the user's name."""
    since = now - timedelta(hours=int(settings.KAJET_SIGNIN_MEMORY_HOURS))
    grouped = _rows_by_login(school_id, since)
    users = {u.pk: u for u in User.objects.filter(pk__in=list(grouped))}
    found: list[LockRow] = []
    for user_id, rows in grouped.items():
        found.extend(_locks_of(users[user_id], _since_unlock(rows), rule, now))
    return sorted(found, key=lambda lock: (lock.user.sort_name, lock.ip or ""))


@transaction.atomic
def signin_unlock(*, actor: User, user: User) -> SignInAttempt:
    """Lift every sign-in lock of ``user`` (all addresses): recorded as an attempt row (the
    user sees it in their sign-in history) and in the school's history."""
    row = SignInAttempt.objects.create(
        login=user.login, user=user, result=SignInAttempt.Result.UNLOCKED, via="office"
    )
    history_record(
        school=user.own_school,
        actor=actor,
        code="accounts.signin.unlocked",
        object_type="user",
        object_id=user.pk,
        new={"login": user.login},
    )
    return row
