"""The demo timetable is complete and conflict-free; days off follow the Polish calendar."""

from __future__ import annotations

import datetime
from collections import Counter

from kajet.accounts.models import Role
from kajet.demo.seeding.school import SchoolSpec, StaffSpec, seed_school
from kajet.demo.seeding.timetable import _easter, polish_days_off, seed_school_data
from kajet.timetable.models import Event, LessonChange, TimetableEntry
from kajet.timetable.rules import Slot, find_conflicts

TODAY = datetime.date(2026, 11, 16)


def test_easter() -> None:
    assert _easter(2027) == datetime.date(2027, 3, 28)
    assert _easter(2026) == datetime.date(2026, 4, 5)
    assert _easter(2024) == datetime.date(2024, 3, 31)


def test_polish_days_off_2026() -> None:
    days = {title: (a, b) for title, a, b in polish_days_off(2026)}
    assert days["Narodowe Święto Niepodległości"] == (datetime.date(2026, 11, 11),) * 2
    assert days["Zimowa przerwa świąteczna"] == (
        datetime.date(2026, 12, 22),
        datetime.date(2026, 12, 31),
    )
    assert days["Boże Ciało"][0] == datetime.date(2027, 5, 27)
    assert days["Boże Ciało"][0].weekday() == 3


def test_seeded_timetable(db: object) -> None:
    spec = SchoolSpec(
        name="SP test",
        short_name="SP T",
        city="Gdańsk",
        class_names=["1a", "4a", "7a", "8a", "8b"],
        students_per_class=6,
        teachers=12,
        first_login_number=6100001,
        seed=3,
        named_staff=[StaffSpec("adm", "A", "B", [Role.SCHOOL_ADMIN])],
    )
    seeded = seed_school(spec, today=TODAY, password="x-Pass-2026")
    seed_school_data(seeded, today=TODAY, scale="xs")
    entries = list(TimetableEntry.objects.filter(school=seeded.school).select_related("course"))
    per_class = Counter(e.course.school_class.level for e in entries if e.course.group_id is None)
    lessons = Counter((e.course.school_class_id, e.weekday, e.period_id) for e in entries)
    by_class = Counter(k[0] for k in lessons)
    levels = {c.pk: c.level for c in seeded.classes}
    for class_id, count in by_class.items():
        if levels[class_id] >= 4:
            assert 25 <= count <= 31, (levels[class_id], count)
        else:
            assert 15 <= count <= 24
    assert per_class
    slots = [
        Slot(
            e.weekday,
            e.period_id,
            e.course.teacher_id,
            e.course.school_class_id,
            e.course.group_id,
            e.room_id,
        )
        for e in entries
    ]
    assert find_conflicts(slots) == []
    assert LessonChange.objects.filter(school=seeded.school).exists()
    assert Event.objects.filter(school=seeded.school, kind="test").exists()
    assert Event.objects.filter(school=seeded.school, kind="day_off").count() >= 6
