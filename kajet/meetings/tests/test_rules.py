from __future__ import annotations

import datetime

import pytest

from kajet.meetings import rules

T = datetime.time
START = datetime.datetime(2026, 12, 7, 16, 0, tzinfo=datetime.UTC)
H = datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("start", "end", "minutes", "expected"),
    [
        (
            T(16, 0),
            T(16, 30),
            10,
            [(T(16, 0), T(16, 10)), (T(16, 10), T(16, 20)), (T(16, 20), T(16, 30))],
        ),
        (T(16, 0), T(16, 25), 10, [(T(16, 0), T(16, 10)), (T(16, 10), T(16, 20))]),  # remainder
        (T(16, 0), T(16, 5), 10, []),  # too short
        (T(17, 0), T(16, 0), 10, []),  # ends before it starts
        (T(16, 0), T(16, 0), 10, []),
        (T(16, 0), T(17, 0), 0, []),
        (T(23, 40), T(23, 59), 15, [(T(23, 40), T(23, 55))]),  # no wrap past midnight
    ],
)
def test_split_hours(
    start: datetime.time,
    end: datetime.time,
    minutes: int,
    expected: list[tuple[datetime.time, datetime.time]],
) -> None:
    assert rules.split_hours(start, end, minutes) == expected


@pytest.mark.parametrize(
    ("now", "bookable", "cancellable"),
    [
        (START - 24 * H, True, True),
        (START - 2 * H, True, True),  # exactly the cancellation limit
        (START - 2 * H + datetime.timedelta(seconds=1), True, False),
        (START - datetime.timedelta(minutes=1), True, False),
        (START, False, False),
        (START + H, False, False),
    ],
)
def test_booking_and_cancelling_times(
    now: datetime.datetime, bookable: bool, cancellable: bool
) -> None:
    assert rules.can_book(starts=START, now=now) is bookable
    assert rules.can_cancel(starts=START, now=now) is cancellable
