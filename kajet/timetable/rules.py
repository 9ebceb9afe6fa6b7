"""Pure timetable and calendar rules (no ORM): plan conflicts, the test-load policy, school
days and the lucky-number draw. Tested with parametrised tables in tests/test_rules.py."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# --- Conflicts in a weekly plan ------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One weekly lesson as the conflict rule sees it."""

    weekday: int
    period: int  # the period's id (or number) — only compared for equality
    teacher_id: int
    class_id: int
    group_id: int | None  # None: the whole class
    room_id: int | None
    label: str = ""  # e.g. "Matematyka — 6b" for messages
    teacher_label: str = ""
    class_label: str = ""
    room_label: str = ""


@dataclass(frozen=True)
class Conflict:
    """Two slots that cannot share a weekday and period."""

    kind: str  # "teacher" | "class" | "group" | "room"
    first: Slot
    second: Slot


def find_conflicts(slots: Sequence[Slot]) -> list[Conflict]:
    """Every pair of slots in the same weekday and period that share a teacher, a room, or a
    class/group. A whole-class lesson conflicts with any lesson of the class (its groups'
    too); two lessons of *different* groups of a class may run at the same time (a language
    split in halves); the same group twice is a conflict."""
    by_time: dict[tuple[int, int], list[Slot]] = defaultdict(list)
    for slot in slots:
        by_time[(slot.weekday, slot.period)].append(slot)
    found: list[Conflict] = []
    for _time, here in sorted(by_time.items()):
        for i, a in enumerate(here):
            for b in here[i + 1 :]:
                if a.teacher_id == b.teacher_id:
                    found.append(Conflict("teacher", a, b))
                if a.room_id is not None and a.room_id == b.room_id:
                    found.append(Conflict("room", a, b))
                if a.class_id == b.class_id:
                    if a.group_id is None or b.group_id is None:
                        found.append(Conflict("class", a, b))
                    elif a.group_id == b.group_id:
                        found.append(Conflict("group", a, b))
    return found


# --- Test-load policy -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoadPolicy:
    max_per_day: int
    max_per_week: int
    min_notice_days: int
    refuse: bool  # False: warn and let the teacher confirm


@dataclass(frozen=True)
class LoadViolation:
    code: str  # "per_day" | "per_week" | "notice"
    limit: int
    actual: int  # tests that day/week including the new one, or days of notice given


def check_test_load(
    policy: LoadPolicy,
    *,
    test_date: datetime.date,
    today: datetime.date,
    other_test_dates: Iterable[datetime.date],
) -> list[LoadViolation]:
    """What a new test on ``test_date`` breaks, given the dates of the class's other counted
    tests. Weeks are ISO weeks (Monday–Sunday). A limit of 0 means "no limit"."""
    others = list(other_test_dates)
    found: list[LoadViolation] = []
    same_day = 1 + sum(1 for d in others if d == test_date)
    if policy.max_per_day and same_day > policy.max_per_day:
        found.append(LoadViolation("per_day", policy.max_per_day, same_day))
    week = test_date.isocalendar()[:2]
    same_week = 1 + sum(1 for d in others if d.isocalendar()[:2] == week)
    if policy.max_per_week and same_week > policy.max_per_week:
        found.append(LoadViolation("per_week", policy.max_per_week, same_week))
    notice = (test_date - today).days
    if notice < policy.min_notice_days:
        found.append(LoadViolation("notice", policy.min_notice_days, notice))
    return found


# --- Dates ----------------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week."""
    return day - datetime.timedelta(days=day.weekday())


def dates_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Every date from ``start`` to ``end`` inclusive."""
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def is_school_day(day: datetime.date, days_off: set[datetime.date]) -> bool:
    return day.weekday() < 5 and day not in days_off


def next_school_day(day: datetime.date, days_off: set[datetime.date]) -> datetime.date:
    """The first school day after ``day`` (weekends and days off skipped)."""
    candidate = day + datetime.timedelta(days=1)
    for _ in range(366):
        if is_school_day(candidate, days_off):
            return candidate
        candidate += datetime.timedelta(days=1)
    return candidate


def draw_lucky_number(school_id: int, day: datetime.date, low: int, high: int) -> int:
    """The lucky number for ``day``: deterministic per (school, date), uniform-ish over
    ``low..high`` (the class-list numbers in use). The same inputs always give the same
    number, so a re-draw after a race or a restore agrees with the stored one."""
    if high < low:
        raise ValueError("empty range")
    digest = hashlib.sha256(f"kajet-lucky:{school_id}:{day.isoformat()}".encode()).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low + 1)
