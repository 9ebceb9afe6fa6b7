"""Table tests of the pure rules: plan conflicts, test load, school days, lucky number."""

from __future__ import annotations

import datetime

import pytest

from kajet.timetable.rules import (
    LoadPolicy,
    Slot,
    check_test_load,
    draw_lucky_number,
    find_conflicts,
    next_school_day,
    week_start,
)

D = datetime.date


def slot(
    teacher: int,
    cls: int,
    group: int | None = None,
    room: int | None = None,
    wd: int = 0,
    p: int = 1,
) -> Slot:
    return Slot(
        weekday=wd, period=p, teacher_id=teacher, class_id=cls, group_id=group, room_id=room
    )


@pytest.mark.parametrize(
    ("slots", "kinds"),
    [
        ([slot(1, 10), slot(2, 11)], []),
        ([slot(1, 10), slot(1, 11)], ["teacher"]),
        ([slot(1, 10, room=5), slot(2, 11, room=5)], ["room"]),
        ([slot(1, 10, room=5), slot(2, 11, room=6)], []),
        ([slot(1, 10, room=None), slot(2, 11, room=None)], []),
        ([slot(1, 10), slot(2, 10)], ["class"]),
        # a whole-class lesson conflicts with a lesson of one of its groups
        ([slot(1, 10), slot(2, 10, group=100)], ["class"]),
        # two different groups of one class may run at once
        ([slot(1, 10, group=100), slot(2, 10, group=101)], []),
        # the same group twice may not
        ([slot(1, 10, group=100), slot(2, 10, group=100)], ["group"]),
        # different weekday or period: no conflict
        ([slot(1, 10, wd=0), slot(1, 10, wd=1)], []),
        ([slot(1, 10, p=1), slot(1, 10, p=2)], []),
        # teacher + room + class all at once
        ([slot(1, 10, room=5), slot(1, 10, room=5)], ["teacher", "room", "class"]),
        ([slot(1, 10), slot(2, 11), slot(1, 12)], ["teacher"]),
    ],
)
def test_find_conflicts(slots: list[Slot], kinds: list[str]) -> None:
    assert sorted(c.kind for c in find_conflicts(slots)) == sorted(kinds)


WARN = LoadPolicy(max_per_day=1, max_per_week=3, min_notice_days=7, refuse=False)
TODAY = D(2026, 11, 2)  # a Monday


@pytest.mark.parametrize(
    ("policy", "test_date", "others", "codes"),
    [
        (WARN, D(2026, 11, 16), [], []),
        (WARN, D(2026, 11, 16), [D(2026, 11, 16)], ["per_day"]),
        (WARN, D(2026, 11, 16), [D(2026, 11, 17)], []),
        (WARN, D(2026, 11, 16), [D(2026, 11, 17), D(2026, 11, 18)], []),
        (WARN, D(2026, 11, 16), [D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 20)], ["per_week"]),
        # the Sunday before belongs to the previous ISO week
        (WARN, D(2026, 11, 16), [D(2026, 11, 15), D(2026, 11, 14), D(2026, 11, 13)], []),
        (WARN, D(2026, 11, 8), [], ["notice"]),
        (WARN, D(2026, 11, 9), [], []),  # exactly 7 days
        (
            WARN,
            D(2026, 11, 4),
            [D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6)],
            ["per_day", "per_week", "notice"],
        ),
        (LoadPolicy(0, 0, 0, True), D(2026, 11, 2), [D(2026, 11, 2)] * 5, []),
        (LoadPolicy(2, 5, 0, True), D(2026, 11, 3), [D(2026, 11, 3)], []),
        (LoadPolicy(2, 5, 0, True), D(2026, 11, 3), [D(2026, 11, 3)] * 2, ["per_day"]),
    ],
)
def test_check_test_load(
    policy: LoadPolicy, test_date: datetime.date, others: list[datetime.date], codes: list[str]
) -> None:
    found = check_test_load(policy, test_date=test_date, today=TODAY, other_test_dates=others)
    assert [v.code for v in found] == codes


def test_violation_carries_numbers() -> None:
    (v,) = check_test_load(
        WARN, test_date=D(2026, 11, 16), today=TODAY, other_test_dates=[D(2026, 11, 16)]
    )
    assert (v.limit, v.actual) == (1, 2)


@pytest.mark.parametrize(
    ("day", "off", "expected"),
    [
        (D(2026, 11, 2), set(), D(2026, 11, 3)),
        (D(2026, 11, 6), set(), D(2026, 11, 9)),  # Friday → Monday
        (D(2026, 11, 7), set(), D(2026, 11, 9)),  # Saturday → Monday
        (D(2026, 11, 10), {D(2026, 11, 11)}, D(2026, 11, 12)),
        (D(2026, 11, 6), {D(2026, 11, 9), D(2026, 11, 10)}, D(2026, 11, 11)),
    ],
)
def test_next_school_day(
    day: datetime.date, off: set[datetime.date], expected: datetime.date
) -> None:
    assert next_school_day(day, off) == expected


def test_week_start() -> None:
    assert week_start(D(2026, 11, 29)) == D(2026, 11, 23)
    assert week_start(D(2026, 11, 23)) == D(2026, 11, 23)


def test_lucky_number_deterministic_and_in_range() -> None:
    days = [D(2026, 9, 1) + datetime.timedelta(days=i) for i in range(200)]
    drawn = [draw_lucky_number(7, d, 1, 28) for d in days]
    assert drawn == [draw_lucky_number(7, d, 1, 28) for d in days]
    assert all(1 <= n <= 28 for n in drawn)
    assert len(set(drawn)) > 20  # spread over the range
    assert drawn != [draw_lucky_number(8, d, 1, 28) for d in days]  # per school
    assert draw_lucky_number(1, D(2026, 9, 1), 5, 5) == 5
    with pytest.raises(ValueError):
        draw_lucky_number(1, D(2026, 9, 1), 5, 4)
