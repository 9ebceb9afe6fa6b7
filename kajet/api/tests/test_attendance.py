"""Attendance API: the same rules as the pages, three ways."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.api.tests.helpers import bearer, token_for
from kajet.attendance import services, stats
from kajet.attendance.models import AttendanceMark, Excuse, Lesson
from kajet.attendance.tests.helpers import absent, held_lesson, period, recent_weekday
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.defaults.update(bearer(token_for(user)))
    return client


def _sheet_url(world: SchoolWorld, day: Any) -> str:
    return reverse(
        "api:attendance-sheet",
        args=[world.course.pk, day.isoformat(), period(world.course).pk],
    )


def test_take_and_edit_attendance(world: SchoolWorld, other_world: SchoolWorld) -> None:
    day = recent_weekday()
    url = _sheet_url(world, day)
    teacher = _client(world.user("teacher"))
    sheet = teacher.get(url)
    assert sheet.status_code == 200
    assert sheet.json()["lesson_id"] is None
    assert [s["student_id"] for s in sheet.json()["students"]] == [world.student.pk]
    types = {t["kind"]: t["id"] for t in sheet.json()["types"]}
    body = {
        "topic": "Ułamki",
        "marks": [{"student_id": world.student.pk, "type_id": types["absent"]}],
    }
    saved = teacher.put(url, body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["students"][0]["type_id"] == types["absent"]
    body["marks"][0]["type_id"] = types["late"]
    body["versions"] = [
        {"student_id": row["student_id"], "version": row["version"]}
        for row in saved.json()["students"]
    ]
    again = teacher.put(url, body, content_type="application/json")
    assert again.status_code == 200, again.content
    assert again.json()["students"][0]["version"] == 2
    bad = teacher.put(
        url,
        {"topic": "x", "marks": [{"student_id": 999999, "type_id": 1}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert Lesson.objects.get().topic == "Ułamki"
    day_list = teacher.get(reverse("api:attendance-day"), {"date": day.isoformat()})
    assert day_list.status_code == 200 and day_list.json()[0]["topic"] == "Ułamki"
    # wrong role, other school
    assert _client(world.user("guardian")).get(url).status_code == 404
    assert _client(world.user("guardian")).get(reverse("api:attendance-day")).status_code == 404
    assert _client(other_world.user("teacher")).get(url).status_code == 404
    assert (
        _client(other_world.user("teacher"))
        .put(url, body, content_type="application/json")
        .status_code
        == 404
    )


def test_student_attendance_and_statistics(world: SchoolWorld, other_world: SchoolWorld) -> None:
    held_lesson(world.course, recent_weekday(1), kinds={world.student: stats.ABSENT})
    held_lesson(world.course, recent_weekday(2), number=2, kinds={world.student: stats.PRESENT})
    url = reverse("api:attendance-student", args=[world.student.pk])
    data = _client(world.user("guardian")).get(url).json()
    assert data["total"]["percent"] == 50.0
    assert data["subjects"][0]["can_still_miss"] == 0
    assert len(data["marks"]) == 2
    assert _client(world.user("homeroom_teacher")).get(url).status_code == 200
    other_student = reverse("api:attendance-student", args=[world.other_student.pk])
    assert _client(world.user("guardian")).get(other_student).status_code == 404
    assert _client(other_world.user("guardian")).get(url).status_code == 404


def test_excuse_submit_list_approve_reject(world: SchoolWorld, other_world: SchoolWorld) -> None:
    a = absent(world.course, world.student, recent_weekday(1), 1)
    b = absent(world.course, world.student, recent_weekday(1), 2)
    guardian = _client(world.user("guardian"))
    url = reverse("api:attendance-excuses")
    created = guardian.post(
        url,
        {"student_id": world.student.pk, "mark_ids": [a.pk], "reason": "Choroba"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    excuse_id = created.json()["id"]
    assert [e["id"] for e in guardian.get(url).json()] == [excuse_id]
    assert _client(other_world.user("guardian")).get(url).json() == []
    # another school's guardian cannot excuse school A's student
    refused = _client(other_world.user("guardian")).post(
        url,
        {"student_id": world.student.pk, "mark_ids": [b.pk], "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    approve = reverse("api:attendance-approve", args=[excuse_id])
    assert guardian.post(approve, {}, content_type="application/json").status_code == 404
    assert (
        _client(other_world.user("homeroom_teacher"))
        .post(approve, {}, content_type="application/json")
        .status_code
        == 404
    )
    done = _client(world.user("homeroom_teacher")).post(
        approve, {"note": "OK"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["excuse"]["status"] == "approved"
    a.refresh_from_db()
    assert a.type.kind == stats.EXCUSED
    # reject needs a note
    second = guardian.post(
        url,
        {"student_id": world.student.pk, "mark_ids": [b.pk], "reason": "x"},
        content_type="application/json",
    ).json()["id"]
    reject = reverse("api:attendance-reject", args=[second])
    homeroom = _client(world.user("homeroom_teacher"))
    assert homeroom.post(reject, {}, content_type="application/json").status_code == 400
    assert (
        homeroom.post(reject, {"note": "Nie"}, content_type="application/json").status_code == 200
    )
    assert Excuse.objects.get(pk=second).status == "rejected"
    assert AttendanceMark.objects.get(pk=b.pk).type.kind == stats.ABSENT
    assert services.attendance_types_for(world.school)


def test_stale_sheet_is_refused_with_409(world: SchoolWorld) -> None:
    """Two teachers read the sheet; the first saves; the second, holding the old versions,
    gets 409 naming the student and the current sheet, and nothing of theirs is stored."""
    day = recent_weekday()
    url = _sheet_url(world, day)
    held_lesson(world.course, day, kinds={world.student: stats.PRESENT})
    teacher = _client(world.user("teacher"))
    homeroom = _client(world.user("homeroom_teacher"))
    read = teacher.get(url).json()
    types = {t["kind"]: t["id"] for t in read["types"]}
    versions = [{"student_id": r["student_id"], "version": r["version"]} for r in read["students"]]
    first = homeroom.put(
        url,
        {
            "topic": "Ułamki",
            "marks": [{"student_id": world.student.pk, "type_id": types["absent"]}],
            "versions": versions,
        },
        content_type="application/json",
    )
    assert first.status_code == 200, first.content
    stale = teacher.put(
        url,
        {
            "topic": "Inny temat",
            "marks": [{"student_id": world.student.pk, "type_id": types["late"]}],
            "versions": versions,
        },
        content_type="application/json",
    )
    assert stale.status_code == 409, stale.content
    data = stale.json()
    assert world.student.user.full_name in data["detail"]
    assert [r["student_id"] for r in data["changed"]] == [world.student.pk]
    assert data["changed"][0]["type_id"] == types["absent"]
    assert data["changed"][0]["version"] == 2
    assert data["sheet"]["topic"] == "Ułamki"
    mark = AttendanceMark.objects.get(student=world.student)
    assert (mark.type.kind, mark.version) == (stats.ABSENT, 2)
    assert Lesson.objects.get().topic == "Ułamki"
    # redone with the current versions it goes through
    redo = teacher.put(
        url,
        {
            "topic": "Inny temat",
            "marks": [{"student_id": world.student.pk, "type_id": types["late"]}],
            "versions": [
                {"student_id": r["student_id"], "version": r["version"]}
                for r in data["sheet"]["students"]
            ],
        },
        content_type="application/json",
    )
    assert redo.status_code == 200, redo.content


def test_sheet_lists_active_types_and_a_deactivated_one_in_use(world: SchoolWorld) -> None:
    from kajet.attendance.models import AttendanceType

    services.attendance_types_for(world.school)
    AttendanceType.objects.create(
        school=world.school, name="wycieczka", code="wy", kind=stats.PRESENT, colour="#fde047"
    )
    old = AttendanceType.objects.create(
        school=world.school, name="stary", code="st", kind=stats.ABSENT, is_active=False
    )
    day = recent_weekday()
    url = _sheet_url(world, day)
    codes = [t["code"] for t in _client(world.user("teacher")).get(url).json()["types"]]
    assert "wy" in codes and "st" not in codes
    trip_row = next(
        t for t in _client(world.user("teacher")).get(url).json()["types"] if t["code"] == "wy"
    )
    assert trip_row["text_colour"] == "#000000" and trip_row["is_active"] is True
    lesson, marks = held_lesson(world.course, day, kinds={world.student: stats.PRESENT})
    AttendanceMark.objects.filter(pk=marks[world.student.pk].pk).update(type=old)
    codes = [t["code"] for t in _client(world.user("teacher")).get(url).json()["types"]]
    assert "st" in codes


def test_withdraw_excuse(world: SchoolWorld, other_world: SchoolWorld) -> None:
    mark = absent(world.course, world.student, recent_weekday(1), 1)
    guardian = _client(world.user("guardian"))
    created = guardian.post(
        reverse("api:attendance-excuses"),
        {"student_id": world.student.pk, "mark_ids": [mark.pk], "reason": "Choroba"},
        content_type="application/json",
    )
    excuse_id = created.json()["id"]
    url = reverse("api:attendance-withdraw", args=[excuse_id])
    # the student (not the sender), the homeroom teacher, another school's guardian: 404
    assert _client(world.user("student")).post(url).status_code == 404
    assert _client(world.user("homeroom_teacher")).post(url).status_code == 404
    assert _client(other_world.user("guardian")).post(url).status_code == 404
    assert Excuse.objects.get(pk=excuse_id).status == "pending"
    done = guardian.post(url)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "withdrawn" and done.json()["withdrawn_at"]
    again = guardian.post(url)
    assert again.status_code == 400
    assert "still waiting" in again.json()["detail"]
