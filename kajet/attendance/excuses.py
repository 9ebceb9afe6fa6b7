"""Excuse rules — pure: statuses and their allowed transitions, the submission deadline, who
may excuse (adult students per school policy), and what approval does to each mark.
No ORM here; the services pass the policy values in.
"""

from __future__ import annotations

import datetime

from kajet.attendance.stats import ABSENT

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"

STATUSES: tuple[str, ...] = (PENDING, APPROVED, REJECTED, WITHDRAWN)

#: status → statuses it may move to. Decisions are final (a new excuse can be sent instead).
TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({APPROVED, REJECTED, WITHDRAWN}),
    APPROVED: frozenset(),
    REJECTED: frozenset(),
    WITHDRAWN: frozenset(),
}

#: What happened to one mark of an excuse.
ITEM_PENDING = "pending"
ITEM_EXCUSED = "excused"
ITEM_SKIPPED = "skipped"  # the mark changed meanwhile (e.g. to late) and was left alone
ITEM_REJECTED = "rejected"
ITEM_WITHDRAWN = "withdrawn"  # the sender withdrew the excuse before it was decided

ADULT_AGE = 18


def can_transition(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def may_withdraw(*, status: str, is_sender: bool) -> bool:
    """Only the person who sent an excuse may withdraw it, and only while it waits."""
    return is_sender and can_transition(status, WITHDRAWN)


def is_adult(birth_date: datetime.date | None, today: datetime.date) -> bool:
    if birth_date is None:
        return False
    years = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    return years >= ADULT_AGE


def last_day_to_excuse(absence_date: datetime.date, deadline_days: int) -> datetime.date:
    """The last day an excuse for an absence on ``absence_date`` may be sent."""
    return absence_date + datetime.timedelta(days=deadline_days)


def past_deadline(absence_date: datetime.date, today: datetime.date, deadline_days: int) -> bool:
    return today > last_day_to_excuse(absence_date, deadline_days)


def may_submit(
    *,
    is_guardian: bool,
    is_the_student: bool,
    student_is_adult: bool,
    adult_self_excuse: bool,
) -> bool:
    """A guardian of the student always may; the student themself only when adult and the
    school allows adult students to excuse themselves."""
    if is_guardian:
        return True
    return is_the_student and student_is_adult and adult_self_excuse


def approval_outcome(kind_now: str) -> str:
    """What approving does to a mark whose base kind is now ``kind_now``: only a mark that
    is still an unexcused absence becomes excused; anything else is left alone."""
    return ITEM_EXCUSED if kind_now == ABSENT else ITEM_SKIPPED
