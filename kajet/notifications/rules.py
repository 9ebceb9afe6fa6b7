"""Who gets what, when: pure rules (no ORM), tested with tables.

The defaults by role, quiet hours and the decision for one notification on one channel take
plain values, so that the planner (``kajet.notifications.delivery``) can apply them to a batch
of users it read with a fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
KINDS = (
    "grade",
    "message",
    "absence",
    "excuse",
    "change",
    "announcement",
    "homework",
    "event",
    "remark",
)

#: (user kind or "staff") → kind → (e-mail mode, push). Guardians: absences and messages at
#: once by push and e-mail, marks by push, the rest in the daily digest. Staff: messages and
#: excuses waiting for them. Students: push for what concerns them, e-mail only where allowed.
ROLE_DEFAULTS: dict[str, dict[str, tuple[str, bool]]] = {
    "guardian": {
        "absence": (IMMEDIATE, True),
        "message": (IMMEDIATE, True),
        "grade": (DIGEST, True),
        "excuse": (DIGEST, True),
        "remark": (DIGEST, True),
    },
    "student": {
        "message": (DIGEST, True),
        "grade": (DIGEST, True),
        "change": (OFF, True),
        "homework": (DIGEST, False),
        "remark": (OFF, True),
    },
    "staff": {
        "message": (IMMEDIATE, True),
        "excuse": (IMMEDIATE, True),
    },
}
#: Anything a role's table does not name.
FALLBACK = {"guardian": (DIGEST, False), "student": (OFF, False), "staff": (OFF, False)}


def default_preference(*, user_kind: str, kind: str) -> tuple[str, bool]:
    """(e-mail mode, push) for a kind of event when the user chose nothing."""
    role = user_kind if user_kind in ROLE_DEFAULTS else "staff"
    return ROLE_DEFAULTS[role].get(kind, FALLBACK[role])


def in_quiet_hours(at: datetime.time, start: datetime.time, end: datetime.time) -> bool:
    """Whether ``at`` falls in [start, end); the span may pass midnight (21:00–07:00)."""
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def quiet_hours_end(
    now: datetime.datetime, start: datetime.time, end: datetime.time
) -> datetime.datetime:
    """The first moment after ``now`` (an aware local time) outside quiet hours."""
    if not in_quiet_hours(now.timetz().replace(tzinfo=None), start, end):
        return now
    candidate = now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= now:
        candidate += datetime.timedelta(days=1)
    return candidate


@dataclass(frozen=True)
class Recipient:
    """What the planner knows about one user (read in bulk)."""

    user_kind: str  # guardian | student | staff
    email: str
    verified_email: str
    email_bounced: bool
    has_push_device: bool
    quiet_from: datetime.time
    quiet_until: datetime.time


@dataclass(frozen=True)
class School:
    email_enabled: bool = True
    push_enabled: bool = True
    student_email_allowed: bool = False


@dataclass(frozen=True)
class Plan:
    """``status`` is pending, digest or None (the channel is not used)."""

    status: str | None
    send_after: datetime.datetime | None = None


NOT_USED = Plan(None)


def email_reachable(recipient: Recipient, school: School) -> bool:
    """A confirmed, not bounced address the school lets Kajet write to."""
    if not school.email_enabled or not recipient.email:
        return False
    if recipient.user_kind == "student" and not school.student_email_allowed:
        return False
    return recipient.email == recipient.verified_email and not recipient.email_bounced


def plan_email(
    *, mode: str, recipient: Recipient, school: School, now: datetime.datetime, urgent: bool
) -> Plan:
    if mode == OFF or not email_reachable(recipient, school):
        return NOT_USED
    if mode == DIGEST and not urgent:
        return Plan("digest")
    return Plan("pending", _after_quiet(recipient, now, urgent))


def plan_push(
    *, push: bool, recipient: Recipient, school: School, now: datetime.datetime, urgent: bool
) -> Plan:
    if not (push and school.push_enabled and recipient.has_push_device):
        return NOT_USED
    return Plan("pending", _after_quiet(recipient, now, urgent))


def _after_quiet(recipient: Recipient, now: datetime.datetime, urgent: bool) -> datetime.datetime:
    if urgent:
        return now
    return quiet_hours_end(now, recipient.quiet_from, recipient.quiet_until)


def retry_delay(attempts: int) -> datetime.timedelta:
    """Backoff after the n-th failed attempt: 1, 4, 16, 64 minutes."""
    return datetime.timedelta(minutes=4 ** max(attempts - 1, 0))


MAX_ATTEMPTS = 5


def digest_due(
    *, now: datetime.datetime, digest_hour: int, last_digest_on: datetime.date | None
) -> bool:
    """Whether a user's daily digest is due at ``now`` (local time)."""
    if now.hour < digest_hour:
        return False
    return last_digest_on is None or last_digest_on < now.date()
