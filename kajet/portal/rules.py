"""Pure rules of portal accounts (no ORM)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

#: School logins a family may link: digits (guardian) or digits followed by "u" (student).
FAMILY_LOGIN = re.compile(r"^[0-9]{4,20}u?$")


def normalize_email(raw: str) -> str:
    """Addresses compare case-insensitively (what every mail provider does in practice)."""
    return raw.strip().lower()


def is_family_login(raw: str) -> bool:
    return bool(FAMILY_LOGIN.match(raw.strip().lower()))


def activation_deadline(sent_at: datetime, days: int) -> datetime:
    """The last moment the activation link works."""
    return sent_at + timedelta(days=days)


def is_stale_registration(*, activated: bool, sent_at: datetime, now: datetime, days: int) -> bool:
    """An unactivated registration whose last link has expired is deleted."""
    return not activated and now - sent_at > timedelta(days=days)


# --- the extras plan ---------------------------------------------------------------------------

FREE, TRIAL, ACTIVE, ENDED = "free", "trial", "active", "ended"
#: States in which the account's extras work.
EXTRAS_ON = frozenset({FREE, TRIAL, ACTIVE})


def extras_state(*, plan_on: bool, trial_ends_on: date | None, activated: bool, today: date) -> str:
    """free: no plan (or an account from before the plan, which never got a trial); trial:
    until the day before ``trial_ends_on``; ended: from that day (the basic version); active:
    activated with a code."""
    if not plan_on:
        return FREE
    if activated:
        return ACTIVE
    if trial_ends_on is None:
        return FREE
    return TRIAL if today < trial_ends_on else ENDED


def trial_warning_due(
    *, today: date, trial_ends_on: date | None, warn_days: int, warned: bool
) -> bool:
    """The "trial ends" e-mail is due ``warn_days`` before the end, once, and not after it."""
    if warned or trial_ends_on is None:
        return False
    return trial_ends_on - timedelta(days=warn_days) <= today < trial_ends_on
