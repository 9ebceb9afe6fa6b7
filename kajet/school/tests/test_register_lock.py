"""The archived year's rule (kajet.school.register_lock), as a table."""

from __future__ import annotations

import datetime

import pytest

from kajet.school.register_lock import register_change_problem

SIGNED = datetime.datetime(2027, 7, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("archived_at", "reason", "allowed"),
    [
        (None, "", True),  # not archived: any change
        (None, "a reason", True),
        (SIGNED, "", False),  # archived: a plain change is refused
        (SIGNED, "   ", False),  # a blank reason is no reason
        (SIGNED, "Błąd przy przepisywaniu ze sprawdzianu", True),  # documented correction
    ],
)
def test_register_change_problem(
    archived_at: datetime.datetime | None, reason: str, allowed: bool
) -> None:
    problem = register_change_problem(year_name="2026/2027", archived_at=archived_at, reason=reason)
    assert (problem is None) is allowed
    if problem:
        assert "2026/2027 is archived" in problem and "with a reason" in problem
