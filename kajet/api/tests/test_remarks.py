"""Remarks and lessons over the API: the same rules as the pages, three ways, constant
queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kajet.api.tests.helpers import bearer, token_for
from kajet.attendance import stats
from kajet.attendance.tests.helpers import held_lesson, recent_weekday
from kajet.core.models import HistoryEntry
from kajet.notifications.models import Notification
from kajet.remarks.models import Remark, RemarkAcknowledgement, RemarkCategory
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

ADD = reverse("api:remarks")


def _category(world: SchoolWorld, **kw: Any) -> RemarkCategory:
    values: dict[str, Any] = {"name": "Pochwała", "kind": "positive", "points": 5}
    values.update(kw)
    return RemarkCategory.objects.create(school=world.school, **values)


def _remark(world: SchoolWorld, category: RemarkCategory, **kw: Any) -> Remark:
    values: dict[str, Any] = {
        "school": world.school,
        "student": world.student,
        "author": world.user("teacher"),
        "category": category,
        "kind": category.kind,
        "text": "Pomogła w bibliotece.",
        "date": timezone.localdate(),
        "points": category.points,
    }
    values.update(kw)
    return Remark.objects.create(**values)


def _list_url(world: SchoolWorld) -> str:
    return reverse("api:student-remarks", args=[world.student.pk])


def _get(user: Any, url: str, **params: Any) -> Any:
    return Client().get(url, params, **bearer(token_for(user)))


def _post(user: Any, url: str, data: Any = None) -> Any:
    return Client().post(
        url, data or {}, content_type="application/json", **bearer(token_for(user))
    )


@pytest.mark.parametrize(
    "role", ["guardian", "student", "teacher", "homeroom_teacher", "pedagogue"]
)
def test_remarks_of_a_student(world: SchoolWorld, role: str) -> None:
    category = _category(world)
    remark = _remark(world, category)
    RemarkAcknowledgement.objects.create(
        school=world.school, remark=remark, user=world.user("guardian")
    )
    body = _get(world.user(role), _list_url(world)).json()
    assert body["points"] == 5
    [row] = body["remarks"]
    assert (row["text"], row["kind"], row["category"]["name"]) == (
        "Pomogła w bibliotece.",
        "positive",
        "Pochwała",
    )
    assert row["acknowledgements"][0]["user"]["id"] == world.user("guardian").pk


def test_family_only_remark_is_not_listed_for_the_student(world: SchoolWorld) -> None:
    _remark(world, _category(world), visible_to_student=False)
    assert _get(world.user("student"), _list_url(world)).json()["remarks"] == []
    assert len(_get(world.user("guardian"), _list_url(world)).json()["remarks"]) == 1


def test_remarks_wrong_role_and_other_school_get_404(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    _remark(world, _category(world))
    for user in (world.user("school_admin"), world.user("secretariat")):
        assert _get(user, _list_url(world)).status_code == 404
    for role in ("guardian", "teacher", "principal"):
        assert _get(other_world.user(role), _list_url(world)).status_code == 404
    other_child = reverse("api:student-remarks", args=[world.other_student.pk])
    assert _get(world.user("guardian"), other_child).status_code == 404


def test_teacher_writes_a_remark_for_two_students(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    from kajet.testutils.factories import StudentFactory

    category = _category(world)
    second = StudentFactory(school=world.school, school_class=world.school_class, class_number=2)
    lesson, _ = held_lesson(world.course, timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            world.user("teacher"),
            ADD,
            {
                "student_ids": [world.student.pk, second.pk],
                "category_id": category.pk,
                "text": "Pomogli w organizacji apelu.",
                "lesson_id": lesson.pk,
                "visible_to_student": False,
            },
        )
    assert response.status_code == 201, response.content
    rows = response.json()["remarks"]
    assert {r["student_id"] for r in rows} == {world.student.pk, second.pk}
    assert all(r["kind"] == "positive" and r["lesson"]["id"] == lesson.pk for r in rows)
    assert Notification.objects.filter(kind="remark", user=world.user("guardian")).exists()
    assert not Notification.objects.filter(kind="remark", user=world.student.user).exists()
    assert HistoryEntry.objects.filter(code="remarks.remark.created").count() == 2


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"text": ""}, 400),
        ({"kind": "furious"}, 400),
        ({"date": "2099-01-01"}, 400),
        ({"category_id": 999999}, 400),
        ({"student_ids": []}, 400),
        ({"lesson_id": 999999}, 400),
    ],
)
def test_bad_remark_input_changes_nothing(
    world: SchoolWorld, change: dict[str, Any], status: int
) -> None:
    data = {"student_ids": [world.student.pk], "category_id": _category(world).pk, "text": "x"}
    data.update(change)
    response = _post(world.user("teacher"), ADD, data)
    assert response.status_code == status, response.content
    assert not Remark.objects.exists()


def test_remark_about_a_student_one_does_not_teach_is_404(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    category = _category(world)
    data = {"student_ids": [world.other_student.pk], "category_id": category.pk, "text": "x"}
    assert _post(world.user("teacher"), ADD, data).status_code == 404
    for user in (world.user("guardian"), world.user("school_admin"), other_world.user("teacher")):
        mine = {"student_ids": [world.student.pk], "category_id": category.pk, "text": "x"}
        assert _post(user, ADD, mine).status_code == 404
    assert not Remark.objects.exists()


def test_categories_for_writers_only(world: SchoolWorld) -> None:
    _category(world)
    _category(world, name="Stara", is_active=False)
    names = [
        c["name"] for c in _get(world.user("teacher"), reverse("api:remark-categories")).json()
    ]
    assert names == ["Pochwała"]
    assert _get(world.user("guardian"), reverse("api:remark-categories")).status_code == 404


def test_guardian_acknowledges(world: SchoolWorld, other_world: SchoolWorld) -> None:
    remark = _remark(world, _category(world))
    url = reverse("api:remark-acknowledge", args=[remark.pk])
    first = _post(world.user("guardian"), url)
    assert first.status_code == 200
    again = _post(world.user("guardian"), url)
    assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    assert RemarkAcknowledgement.objects.count() == 1
    for user in (world.user("student"), world.user("teacher"), other_world.user("guardian")):
        assert _post(user, url).status_code == 404


def _queries(user: Any, url: str) -> int:
    client = Client()
    headers = bearer(token_for(user))
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx.captured_queries)


def test_remark_list_queries_do_not_grow(world: SchoolWorld) -> None:
    category = _category(world)
    for _ in range(10):
        _remark(world, category)
    small = _queries(world.user("guardian"), _list_url(world))
    for _ in range(90):
        _remark(world, category)
    assert _queries(world.user("guardian"), _list_url(world)) == small


# --- lessons -------------------------------------------------------------------------------


def test_student_lessons(world: SchoolWorld, other_world: SchoolWorld) -> None:
    lesson, _ = held_lesson(world.course, recent_weekday(1), kinds={world.student: stats.ABSENT})
    url = reverse("api:attendance-student-lessons", args=[world.student.pk])
    for role in ("guardian", "student", "teacher"):
        body = _get(world.user(role), url).json()
        [row] = body["lessons"]
        assert (row["id"], row["topic"], row["attendance_kind"]) == (lesson.pk, "Ułamki", "absent")
    assert _get(world.user("guardian"), url, subject=999).json()["lessons"] == []
    assert _get(other_world.user("guardian"), url).status_code == 404
    other = reverse("api:attendance-student-lessons", args=[world.other_student.pk])
    assert _get(world.user("guardian"), other).status_code == 404


def test_student_lessons_queries_do_not_grow(world: SchoolWorld) -> None:
    url = reverse("api:attendance-student-lessons", args=[world.student.pk])
    start = datetime.date(2026, 9, 7)
    for d in range(3):
        held_lesson(
            world.course, start + datetime.timedelta(days=d), kinds={world.student: "present"}
        )
    small = _queries(world.user("guardian"), url)
    for d in range(3, 60):
        held_lesson(
            world.course, start + datetime.timedelta(days=d), kinds={world.student: "present"}
        )
    assert _queries(world.user("guardian"), url) == small
