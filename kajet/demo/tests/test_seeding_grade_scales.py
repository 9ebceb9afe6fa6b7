"""The demo's early years (classes I–III) grade current marks on W/B/D/P/S/N, except
religion and ethics (marks in every class, also for their term grades)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from kajet.accounts.models import Role
from kajet.demo.seeding.grades import EARLY_SYMBOLS
from kajet.demo.seeding.grades import seed_school_data as seed_grades
from kajet.demo.seeding.school import SchoolSpec, StaffSpec, seed_school
from kajet.grades.models import Grade, GradeColumn
from kajet.grades.scale import is_religion_or_ethics

pytestmark = pytest.mark.django_db
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def test_early_years_use_symbols_but_religion_keeps_marks() -> None:
    today = datetime.date(2027, 1, 27)
    spec = SchoolSpec(
        name="SP Test",
        short_name="SP T",
        city="Gdańsk",
        class_names=["2a", "5a"],
        students_per_class=4,
        teachers=4,
        first_login_number=6300001,
        seed=7,
        named_staff=[StaffSpec("t.principal", "Halina", "Kaczmarek", [Role.PRINCIPAL])],
    )
    moment = datetime.datetime.combine(today, datetime.time(17, 0), tzinfo=WARSAW)
    with time_machine.travel(moment):
        seeded = seed_school(spec, today=today, password="x-Pass-2026")
        seed_grades(seeded, today=today, scale="demo")
    symbols = {s for s, _m, _v, _n in EARLY_SYMBOLS}
    early = GradeColumn.objects.filter(course__school_class__level=2).select_related(
        "course__subject", "scale"
    )
    subjects = {c.course.subject.name for c in early}
    assert any(is_religion_or_ethics(name) for name in subjects)
    for column in early:
        religion = is_religion_or_ethics(column.course.subject.name)
        assert (column.scale is None) is religion, column.course.subject.name
    on_scale = Grade.objects.filter(column__scale__isnull=False)
    assert on_scale.exists()
    assert set(on_scale.values_list("text", flat=True)) <= symbols
    assert not GradeColumn.objects.filter(
        course__school_class__level=5, scale__isnull=False
    ).exists()
    # Religion's term grades are marks in class 2; the other subjects' are descriptive texts.
    for grade in Grade.objects.filter(
        kind=Grade.Kind.FINAL_TERM, course__school_class__level=2
    ).select_related("course__subject"):
        if is_religion_or_ethics(grade.course.subject.name):
            assert grade.value is not None and not grade.descriptive
        else:
            assert grade.value is None and grade.descriptive
