"""Grades API: the same rules as the pages, three ways, and the same query budget."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.api.tests.helpers import bearer, token_for
from kajet.grades.models import Grade, GradeCategory, GradeColumn, GradingPolicy
from kajet.grades.scale import Policy, parse_mark
from kajet.school.models import Course, Subject
from kajet.testutils.factories import SchoolWorld, UserFactory

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


def _category(world: SchoolWorld, name: str = "Sprawdzian", weight: str = "3") -> GradeCategory:
    return GradeCategory.objects.create(school=world.school, name=name, weight=weight)


def _mark(world: SchoolWorld, course: Course, cat: GradeCategory, text: str, **kw: Any) -> Grade:
    column = GradeColumn.objects.create(
        school=world.school,
        course=course,
        term=world.term,
        category=cat,
        date=kw.pop("date", datetime.date(2026, 10, 1)),
    )
    mark = parse_mark(text, Policy())
    return Grade.objects.create(
        school=world.school,
        student=world.student,
        course=course,
        term=world.term,
        column=column,
        text=mark.text,
        value=mark.value,
        **kw,
    )


def student_url(world: SchoolWorld) -> str:
    return reverse("api:grades-student", args=[world.student.pk])


def test_guardian_reads_grades_with_averages(world: SchoolWorld, client_for: ClientFor) -> None:
    cat = _category(world)
    _mark(world, world.course, cat, "5+")
    _mark(world, world.course, _category(world, "Kartkówka", "2"), "3")
    Grade.objects.create(
        school=world.school,
        student=world.student,
        course=world.course,
        term=world.term,
        kind=Grade.Kind.FINAL_TERM,
        text="5",
        value=5,
    )
    response = client_for(world.user("guardian")).get(student_url(world))
    assert response.status_code == 200
    data = response.json()
    [subject] = data["subjects"]
    term = subject["terms"][0]
    assert [m["text"] for m in term["marks"]] == ["5+", "3"]
    assert term["average"] == "4.50" and term["suggested_grade"] == 4
    assert term["final"]["value"] == 5 and term["final"]["in_words"]
    assert {c["name"] for c in data["categories"]} == {"Sprawdzian", "Kartkówka"}
    assert data["overall"]["term_1"] == "4.50"


def test_averages_hidden_for_family_by_policy(world: SchoolWorld, client_for: ClientFor) -> None:
    _mark(world, world.course, _category(world), "4")
    GradingPolicy.objects.create(school=world.school, show_averages_to_family=False)
    data = client_for(world.user("student")).get(student_url(world)).json()
    assert data["averages_shown"] is False
    assert data["subjects"][0]["terms"][0]["average"] is None
    staff = client_for(world.user("teacher")).get(student_url(world)).json()
    assert staff["subjects"][0]["terms"][0]["average"] == "4.00"


def test_student_grades_refused(
    world: SchoolWorld, other_world: SchoolWorld, client_for: ClientFor
) -> None:
    assert client_for(world.user("secretariat")).get(student_url(world)).status_code == 404
    assert client_for(other_world.user("guardian")).get(student_url(world)).status_code == 404
    other = reverse("api:grades-student", args=[world.other_student.pk])
    assert client_for(world.user("guardian")).get(other).status_code == 404


def _fill(world: SchoolWorld, subjects: int, marks: int) -> None:
    cat = _category(world)
    teacher = UserFactory(school=world.school, roles=["teacher"])
    courses = [world.course]
    for i in range(subjects - 1):
        subject = Subject.objects.create(school=world.school, name=f"Przedmiot {i}")
        courses.append(
            Course.objects.create(
                school=world.school,
                year=world.year,
                subject=subject,
                school_class=world.school_class,
                teacher=teacher,
            )
        )
    for course in courses:
        for j in range(marks):
            _mark(world, course, cat, "4", date=datetime.date(2026, 9, 2 + j % 28))


@pytest.mark.parametrize(("subjects", "marks"), [(1, 2), (15, 40)])
def test_student_grades_query_budget(
    world: SchoolWorld, django_assert_max_num_queries: Any, subjects: int, marks: int
) -> None:
    _fill(world, subjects, marks)
    assert Grade.objects.count() == subjects * marks
    client = Client()
    headers = bearer(token_for(world.user("guardian")))
    client.get(student_url(world), **headers)  # warm-up (the token's first use is recorded)
    # token (with its user), student with the policy, courses, grades
    with django_assert_max_num_queries(6):
        response = client.get(student_url(world), **headers)
    assert response.status_code == 200
    assert sum(len(t["marks"]) for s in response.json()["subjects"] for t in s["terms"]) == (
        subjects * marks
    )


def sheet_url(world: SchoolWorld) -> str:
    return reverse("api:grades-sheet", args=[world.course.pk, world.term.pk])


def test_teacher_flow_column_edit_correct_term_grades(
    world: SchoolWorld, client_for: ClientFor
) -> None:
    cat = _category(world)
    client = client_for(world.user("teacher"))
    bad = client.post(
        reverse("api:grades-columns", args=[world.course.pk, world.term.pk]),
        {
            "category_id": cat.pk,
            "date": "2026-10-05",
            "marks": [{"student_id": world.student.pk, "text": "9"}],
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert str(world.student.pk) in bad.json()["cell_errors"]
    assert not Grade.objects.exists()
    created = client.post(
        reverse("api:grades-columns", args=[world.course.pk, world.term.pk]),
        {
            "category_id": cat.pk,
            "date": "2026-10-05",
            "description": "Ułamki",
            "marks": [{"student_id": world.student.pk, "text": "2", "comment": "słabo"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    [mark_id] = created.json()["mark_ids"]
    sheet = client.get(sheet_url(world)).json()
    assert sheet["rows"][0]["cells"][0]["mark"]["text"] == "2"
    mark_url = reverse("api:grades-mark", args=[mark_id])
    edited = client.patch(mark_url, {"text": "2+", "version": 1}, content_type="application/json")
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = client.patch(mark_url, {"text": "3", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["current"]["text"] == "2+"
    corrected = client.post(
        reverse("api:grades-correction", args=[mark_id]),
        {"text": "4"},
        content_type="application/json",
    )
    assert corrected.status_code == 201 and corrected.json()["corrects_id"] == mark_id
    term_grades = client.put(
        reverse("api:grades-term-grades", args=[world.course.pk]),
        {
            "kind": "proposed_term",
            "term_id": world.term.pk,
            "grades": [{"student_id": world.student.pk, "value": "4"}],
        },
        content_type="application/json",
    )
    assert term_grades.status_code == 200, term_grades.content
    assert term_grades.json()[0]["value"] == 4
    annual = client.put(
        reverse("api:grades-term-grades", args=[world.course.pk]),
        {"kind": "final_annual", "grades": [{"student_id": world.student.pk, "value": "0"}]},
        content_type="application/json",
    )
    assert annual.status_code == 400


def test_teacher_endpoints_refused(
    world: SchoolWorld, other_world: SchoolWorld, client_for: ClientFor
) -> None:
    cat = _category(world)
    grade = _mark(world, world.course, cat, "3")
    column_url = reverse("api:grades-columns", args=[world.course.pk, world.term.pk])
    body = {"category_id": cat.pk, "date": "2026-10-05", "marks": []}
    for user in (world.user("guardian"), world.user("principal"), other_world.user("teacher")):
        client = client_for(user)
        assert client.post(column_url, body, content_type="application/json").status_code == 404
        assert (
            client.patch(
                reverse("api:grades-mark", args=[grade.pk]),
                {"text": "4", "version": 1},
                content_type="application/json",
            ).status_code
            == 404
        )
    # the principal reads the sheet; other roles and schools do not
    assert client_for(world.user("principal")).get(sheet_url(world)).status_code == 200
    for user in (world.user("guardian"), world.user("secretariat"), other_world.user("principal")):
        assert client_for(user).get(sheet_url(world)).status_code == 404


def test_student_grades_include_behaviour_grades(world: SchoolWorld, client: Client) -> None:
    from kajet.grades.models import BehaviourGrade

    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=world.year, term=world.term, value=6
    )
    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=world.year, term=None, value=4
    )
    for role in ("guardian", "student"):
        body = client.get(student_url(world), **bearer(token_for(world.user(role)))).json()
        assert body["behaviour"] == {
            "term_1": {"value": 6, "in_words": "exemplary (wzorowe)"},
            "term_2": None,
            "year": {"value": 4, "in_words": "good (dobre)"},
        }
