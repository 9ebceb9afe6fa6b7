"""Crafted ids in request bodies (issue 14.5/14.6): 400 with a clear message, nothing saved.

The same student twice in one grade column or attendance sheet, an id of 40 digits, Unicode
digits (``"٤"``, ``"５"``, ``"²"``), a negative id — all refused by the shared fields
(kajet.api.fields), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kajet.attendance.models import AttendanceMark
from kajet.attendance.tests.helpers import period, recent_weekday
from kajet.grades.models import Grade, GradeCategory
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

BAD_IDS: list[Any] = [10**40, "٤", "５", "²", -3, True, "1e3"]


def _column(world: SchoolWorld, marks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    category = GradeCategory.objects.create(school=world.school, name="Test", weight=1)
    return {"category_id": category.pk, "date": "2026-10-05", "marks": marks, **extra}


def test_same_student_twice_in_a_grade_column(world: SchoolWorld, client_for: Any) -> None:
    client = client_for(world.user("teacher"))
    url = reverse("api:grades-columns", args=[world.course.pk, world.term.pk])
    twice = [{"student_id": world.student.pk, "text": t} for t in ("5", "3")]
    response = client.post(url, _column(world, twice), content_type="application/json")
    assert response.status_code == 400
    assert "appears twice" in str(response.json())
    assert not Grade.objects.exists()


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_bad_ids_in_a_grade_column(world: SchoolWorld, client_for: Any, bad: Any) -> None:
    client = client_for(world.user("teacher"))
    url = reverse("api:grades-columns", args=[world.course.pk, world.term.pk])
    response = client.post(
        url, _column(world, [{"student_id": bad, "text": "5"}]), content_type="application/json"
    )
    assert response.status_code == 400
    assert not Grade.objects.exists()


def test_same_student_twice_in_an_attendance_sheet(world: SchoolWorld, client_for: Any) -> None:
    client = client_for(world.user("teacher"))
    url = reverse(
        "api:attendance-sheet",
        args=[world.course.pk, recent_weekday().isoformat(), period(world.course).pk],
    )
    types = {t["kind"]: t["id"] for t in client.get(url).json()["types"]}
    marks = [{"student_id": world.student.pk, "type_id": types[k]} for k in ("absent", "late")]
    response = client.put(url, {"topic": "x", "marks": marks}, content_type="application/json")
    assert response.status_code == 400
    assert "appears twice" in str(response.json())
    assert not AttendanceMark.objects.exists()


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_bad_ids_in_an_attendance_sheet(world: SchoolWorld, client_for: Any, bad: Any) -> None:
    client = client_for(world.user("teacher"))
    url = reverse(
        "api:attendance-sheet",
        args=[world.course.pk, recent_weekday().isoformat(), period(world.course).pk],
    )
    marks = [{"student_id": world.student.pk, "type_id": bad}]
    response = client.put(url, {"topic": "x", "marks": marks}, content_type="application/json")
    assert response.status_code == 400
    assert not AttendanceMark.objects.exists()
