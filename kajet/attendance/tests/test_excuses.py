import datetime

import pytest

from kajet.attendance import excuses as rules


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("pending", "approved", True),
        ("pending", "rejected", True),
        ("pending", "withdrawn", True),
        ("pending", "pending", False),
        ("approved", "rejected", False),
        ("approved", "pending", False),
        ("rejected", "approved", False),
        ("withdrawn", "approved", False),
        ("nonsense", "approved", False),
    ],
)
def test_transitions(current: str, new: str, allowed: bool) -> None:
    assert rules.can_transition(current, new) is allowed


D = datetime.date


@pytest.mark.parametrize(
    ("absence", "today", "days", "late"),
    [
        (D(2026, 11, 2), D(2026, 11, 9), 7, False),  # the 7th day is the last one
        (D(2026, 11, 2), D(2026, 11, 10), 7, True),
        (D(2026, 11, 2), D(2026, 11, 2), 0, False),
        (D(2026, 11, 2), D(2026, 11, 3), 0, True),
        (D(2026, 12, 28), D(2027, 1, 3), 7, False),  # across the year end
    ],
)
def test_deadline(absence: datetime.date, today: datetime.date, days: int, late: bool) -> None:
    assert rules.past_deadline(absence, today, days) is late


@pytest.mark.parametrize(
    ("birth", "today", "adult"),
    [
        (None, D(2026, 1, 1), False),
        (D(2008, 11, 29), D(2026, 11, 29), True),  # 18th birthday
        (D(2008, 11, 30), D(2026, 11, 29), False),
        (D(2000, 2, 29), D(2018, 2, 28), False),
        (D(2000, 2, 29), D(2018, 3, 1), True),
    ],
)
def test_is_adult(birth: datetime.date | None, today: datetime.date, adult: bool) -> None:
    assert rules.is_adult(birth, today) is adult


@pytest.mark.parametrize(
    ("guardian", "student", "adult", "policy", "allowed"),
    [
        (True, False, False, False, True),
        (False, True, True, True, True),
        (False, True, True, False, False),
        (False, True, False, True, False),
        (False, False, True, True, False),
    ],
)
def test_may_submit(
    guardian: bool, student: bool, adult: bool, policy: bool, allowed: bool
) -> None:
    assert (
        rules.may_submit(
            is_guardian=guardian,
            is_the_student=student,
            student_is_adult=adult,
            adult_self_excuse=policy,
        )
        is allowed
    )


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [("absent", "excused"), ("late", "skipped"), ("present", "skipped"), ("excused", "skipped")],
)
def test_approval_outcome(kind: str, outcome: str) -> None:
    assert rules.approval_outcome(kind) == outcome


@pytest.mark.parametrize(
    ("status", "is_sender", "allowed"),
    [
        (rules.PENDING, True, True),
        (rules.PENDING, False, False),
        (rules.APPROVED, True, False),
        (rules.REJECTED, True, False),
        (rules.WITHDRAWN, True, False),
    ],
)
def test_may_withdraw(status: str, is_sender: bool, allowed: bool) -> None:
    assert rules.may_withdraw(status=status, is_sender=is_sender) is allowed
