"""Promotion per the annual classification: the pure rule, and the new school year's page
proposing students with a final annual 1 as not promoted (pre-ticked, with the reason)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.grades.models import Grade
from kajet.grades.promotion import annual_failures, counts_for_promotion, failed_subjects
from kajet.grades.scale import Policy, graded_descriptively
from kajet.school.models import Course, Student
from kajet.school.promotion import not_promoted
from kajet.testutils.factories import CourseFactory, StudentFactory, SubjectFactory

URL = reverse("school:rollover")


@pytest.mark.parametrize(
    ("finals", "descriptive", "expected"),
    [
        ([], False, []),
        ([("Matematyka", Decimal(2)), ("Fizyka", Decimal(6))], False, []),
        ([("Matematyka", Decimal(1))], False, ["Matematyka"]),
        ([("Fizyka", 1), ("Matematyka", Decimal(1))], False, ["Fizyka", "Matematyka"]),
        ([("Matematyka", Decimal("1.00")), ("Matematyka", 1)], False, ["Matematyka"]),
        ([("Matematyka", None)], False, []),  # descriptive text only: nothing to read
        ([("Matematyka", Decimal(1))], True, []),  # classes I–III: the council decides
        ([("Religia", Decimal(1))], False, []),  # religion does not count
        ([("Etyka", 1), ("Historia", 1)], False, ["Historia"]),
    ],
)
def test_failed_subjects(
    finals: list[tuple[str, Decimal | int | None]], descriptive: bool, expected: list[str]
) -> None:
    assert failed_subjects(finals, descriptive=descriptive) == expected


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("Matematyka", True),
        ("Religia", False),
        ("religia rzymskokatolicka", False),
        (" Etyka", False),
        ("Ethics", False),
        ("Edukacja wczesnoszkolna", True),
    ],
)
def test_counts_for_promotion(name: str, counts: bool) -> None:
    assert counts_for_promotion(name) is counts


def annual(course: Course, student: Student, value: int, **kw: Any) -> Grade:
    return Grade.objects.create(
        school=course.school,
        student=student,
        course=course,
        kind=Grade.Kind.FINAL_ANNUAL,
        text=str(value),
        value=Decimal(value),
        **kw,
    )


@pytest.fixture
def admin(world: Any, client_for: Any) -> Client:
    client: Client = client_for(world.user("school_admin"))
    return client


@pytest.mark.django_db
def test_annual_failures_reads_final_annual_grades_of_the_year(world: Any) -> None:
    passing = StudentFactory(school_class=world.school_class, class_number=2)
    annual(world.course, world.student, 1)
    annual(world.course, passing, 2)
    religion = CourseFactory(
        school=world.school,
        school_class=world.school_class,
        subject=SubjectFactory(school=world.school, name="Religia"),
    )
    annual(religion, passing, 1)
    # A deleted grade and a proposed one do not count; neither does a descriptive class.
    annual(religion, world.student, 1, deleted_at="2027-06-20T10:00Z")
    Grade.objects.create(
        school=world.school,
        student=passing,
        course=world.course,
        kind=Grade.Kind.PROPOSED_ANNUAL,
        text="1",
        value=Decimal(1),
    )
    early = CourseFactory(school=world.school, school_class=world.other_class)
    annual(early, world.other_student, 1)
    expected = {world.student.pk: "final annual grade 1 (unsatisfactory): Matematyka"}
    assert annual_failures(world.school.pk, world.year.pk) == expected
    assert not_promoted(world.school.pk, world.year.pk) == expected  # registered by the app


@pytest.mark.django_db
def test_rollover_page_pre_ticks_students_with_an_annual_one(world: Any, admin: Client) -> None:
    passing = StudentFactory(school_class=world.school_class, class_number=2)
    annual(world.course, world.student, 1)
    annual(world.course, passing, 3)
    page = admin.get(URL)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["held_back"] == [world.student.pk]
    labels = dict(form.fields["held_back"].choices)
    assert "(final annual grade 1 (unsatisfactory): Matematyka)" in labels[world.student.pk]
    assert "(" not in labels[passing.pk]
    boxes = re.findall(r'<input type="checkbox" name="held_back"[^>]*>', page.content.decode())
    ticked = {
        int(m) for box in boxes if " checked" in box for m in re.findall(r'value="(\d+)"', box)
    }
    assert len(boxes) == 3 and ticked == {world.student.pk}
    # The preview submits what is ticked: the student is listed for a decision with the reason.
    data = {
        "name": "2027/2028",
        "starts_on": "2027-09-01",
        "second_term_on": "2028-02-01",
        "ends_on": "2028-06-23",
        "last_level": "8",
        "graduates_leave_on": "2027-08-31",
        "held_back": [str(v) for v in form.initial["held_back"]],
        "courses": [],
        "preview": "1",
    }
    preview = admin.post(URL, data)
    assert preview.status_code == 200
    held = [(h.student.pk, h.reason) for h in preview.context["plan"].held_back]
    assert held == [(world.student.pk, "final annual grade 1 (unsatisfactory): Matematyka")]
    assert "final annual grade 1 (unsatisfactory): Matematyka" in preview.content.decode()


@pytest.mark.django_db
def test_rollover_page_costs_the_same_with_more_failing_students(world: Any, admin: Client) -> None:
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(URL).status_code == 200
        return len(queries)

    page_queries()  # the first request also loads the session and the user
    small = page_queries()
    physics = CourseFactory(
        school=world.school,
        school_class=world.school_class,
        subject=SubjectFactory(school=world.school, name="Fizyka"),
    )
    for number in range(2, 12):
        student = StudentFactory(school_class=world.school_class, class_number=number)
        annual(world.course, student, 1)
        annual(physics, student, 1)
    page = admin.get(URL)
    assert len(page.context["form"].initial["held_back"]) == 10
    assert page_queries() == small


@pytest.mark.parametrize(
    ("level", "subject", "up_to", "expected"),
    [
        (1, "Edukacja wczesnoszkolna", 3, True),
        (3, "Język angielski", 3, True),
        (4, "Język angielski", 3, False),
        (2, "Religia", 3, False),  # religion: marks in every class
        (1, "Etyka", 3, False),
        (3, "Plastyka", 0, False),  # a school with no descriptive classes
    ],
)
def test_graded_descriptively(level: int, subject: str, up_to: int, expected: bool) -> None:
    policy = Policy(descriptive_up_to_level=up_to)
    assert graded_descriptively(level, subject, policy) is expected
