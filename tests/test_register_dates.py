"""Dates register entries may carry (issue 14.12): table-driven rules, and the services that
refuse a grade column outside its term and attendance outside school days."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kajet.school.dates import lesson_day_problem, term_date_problem

D = datetime.date
YEAR = {"year_starts": D(2026, 9, 1), "year_ends": D(2027, 6, 25)}


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (D(2026, 9, 1), True),
        (D(2027, 1, 31), True),
        (D(2026, 8, 31), False),
        (D(2027, 2, 1), False),  # term II
        (D(1999, 10, 5), False),
        (D(2031, 10, 5), False),
    ],
)
def test_a_column_date_lies_in_its_term(day: D, ok: bool) -> None:
    problem = term_date_problem(day, term_name="I", starts_on=D(2026, 9, 1), ends_on=D(2027, 1, 31))
    assert (problem is None) is ok


@pytest.mark.parametrize(
    ("day", "day_off", "school_event", "expected"),
    [
        (D(2026, 12, 4), False, False, None),  # a Friday
        (D(2026, 12, 5), False, False, "Saturday"),
        (D(2026, 12, 6), False, False, "Saturday or Sunday"),
        (D(2026, 12, 5), False, True, None),  # the documented Saturday exception
        (D(2026, 12, 24), True, False, "day off"),
        (D(2026, 12, 24), True, True, "day off"),  # a day off stays a day off
        (D(2026, 7, 15), False, False, "outside the school year"),  # summer
        (D(2026, 8, 31), False, True, "outside the school year"),
    ],
)
def test_lesson_days(day: D, day_off: bool, school_event: bool, expected: str | None) -> None:
    with translation.override("en"):
        problem = lesson_day_problem(day, day_off=day_off, school_event=school_event, **YEAR)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_messages_are_polish_with_the_one_date_style() -> None:
    with translation.override("pl"):
        problem = lesson_day_problem(D(2026, 7, 15), day_off=False, school_event=False, **YEAR)
    assert problem is not None and "15.07.2026" in problem and "rok" in problem


@pytest.mark.django_db
def test_services_refuse_bad_dates(world: Any) -> None:
    from kajet.attendance.services import lesson_save
    from kajet.attendance.services.types import attendance_types_for
    from kajet.grades.models import GradeCategory, GradeColumn
    from kajet.grades.services import GradeError, column_add
    from kajet.school.models import LessonPeriod
    from kajet.timetable.models import Event

    teacher = world.user("teacher")
    cat = GradeCategory.objects.create(school=world.school, name="Test", weight="1")
    for day in (D(1999, 1, 4), world.term.ends_on + datetime.timedelta(days=1)):
        with pytest.raises(GradeError):
            column_add(
                actor=teacher,
                course=world.course,
                term=world.term,
                category=cat,
                date=day,
                cells=[],
            )
    assert not GradeColumn.objects.exists()

    period = LessonPeriod.objects.filter(school=world.school).first()
    assert period is not None
    saturday = world.term.starts_on + datetime.timedelta(
        days=(5 - world.term.starts_on.weekday()) % 7
    )
    common: dict[str, Any] = {
        "actor": teacher,
        "course": world.course,
        "period": period,
        "topic": "x",
        "marks": {},
        "roster": [world.student],
        "types": attendance_types_for(world.school),
    }
    with pytest.raises(ValidationError, match="Saturday"):
        lesson_save(day=saturday, **common)
    Event.objects.create(
        school=world.school,
        kind=Event.Kind.SCHOOL_EVENT,
        scope=Event.Scope.SCHOOL,
        title="Dzień otwarty",
        starts_on=saturday,
        ends_on=saturday,
    )
    assert lesson_save(day=saturday, **common).date == saturday
