"""Demo term grades follow the school calendar: proposed a month before the term ends, final
(and behaviour grades) at the classification meeting a week before it — never earlier."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from kajet.accounts.models import Role
from kajet.demo.seeding.grades import classification_on, proposals_on
from kajet.demo.seeding.grades import seed_school_data as seed_grades
from kajet.demo.seeding.school import SchoolSpec, StaffSpec, seed_school
from kajet.grades.models import BehaviourGrade, Grade
from kajet.school.models import Term

pytestmark = pytest.mark.django_db
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


@pytest.mark.parametrize(
    ("today", "proposed", "final"),
    [
        (datetime.date(2026, 12, 9), False, False),
        (datetime.date(2027, 1, 11), True, False),
        (datetime.date(2027, 1, 27), True, True),
    ],
)
def test_term_grades_wait_for_their_days(today: datetime.date, proposed: bool, final: bool) -> None:
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
    term = Term.objects.get(year=seeded.year, number=1)
    proposals = Grade.objects.filter(kind=Grade.Kind.PROPOSED_TERM)
    finals = Grade.objects.filter(kind=Grade.Kind.FINAL_TERM)
    assert proposals.exists() is proposed
    assert finals.exists() is final
    assert BehaviourGrade.objects.exists() is final
    for grade in proposals:
        assert timezone_date(grade.created_at) == proposals_on(term)
    for grade in finals:
        assert timezone_date(grade.created_at) == classification_on(term)
    assert proposals_on(term) < classification_on(term) <= term.ends_on
    # Classes I–III get descriptive term grades that speak of their subject; religion is
    # graded with marks in every class.
    early = proposals.filter(course__school_class__level__lte=3)
    religion = early.filter(course__subject__name="Religia")
    assert all(g.descriptive and not g.text for g in early.exclude(course__subject__name="Religia"))
    assert religion.exists() is proposed
    assert all(g.text and g.value is not None and not g.descriptive for g in religion)


def timezone_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(WARSAW).date()
