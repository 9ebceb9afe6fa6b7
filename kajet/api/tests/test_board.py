"""Homework, announcements and dashboard over the API: right role, wrong role, other school."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kajet.api.tests.helpers import bearer, token_for
from kajet.homework.models import Homework, HomeworkAttachment, HomeworkDone
from kajet.messaging.models import Delivery, Message
from kajet.noticeboard.models import Announcement, AnnouncementRead
from kajet.timetable.models import Event

pytestmark = pytest.mark.django_db

API = "/api/v1"


def call(user: Any, method: str, url: str, data: Any = None) -> Any:
    client = Client()
    kwargs: dict[str, Any] = bearer(token_for(user))
    if data is not None:
        kwargs.update(data=data, content_type="application/json")
    return getattr(client, method)(API + url, **kwargs)


@pytest.fixture
def homework(world: Any) -> Homework:
    today = timezone.localdate()
    return Homework.objects.create(
        school=world.school,
        course=world.course,
        title="Ćwiczenia 1–3",
        description="Strona 40",
        set_on=today,
        due_on=today + datetime.timedelta(days=2),
        author=world.user("teacher"),
    )


@pytest.fixture
def announcement(world: Any) -> Announcement:
    a = Announcement.objects.create(
        school=world.school,
        author=world.user("teacher"),
        title="Wycieczka",
        body="Zbiórka o 8:00",
        audience="classes",
        shown_from=timezone.localdate(),
    )
    a.classes.set([world.school_class])
    return a


# --- Homework ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "guardian", "teacher", "principal"])
def test_homework_list(world: Any, homework: Homework, role: str) -> None:
    response = call(world.user(role), "get", "/homework")
    assert response.status_code == 200, response.content
    upcoming = response.json()["upcoming"]
    assert [h["title"] for h in upcoming] == ["Ćwiczenia 1–3"]
    assert upcoming[0]["subject"] == "Matematyka"
    expected_done = False if role in ("student", "guardian") else None
    assert upcoming[0]["is_done"] is expected_done


def test_homework_list_refused_or_empty_elsewhere(
    world: Any, other_world: Any, homework: Homework
) -> None:
    assert call(world.user("secretariat"), "get", "/homework").status_code == 404
    assert call(world.other_student.user, "get", "/homework").json()["upcoming"] == []
    for role in ("student", "guardian", "teacher"):
        assert call(other_world.user(role), "get", "/homework").json()["upcoming"] == []
    # A guardian cannot ask for someone else's child.
    url = f"/homework?student={world.other_student.pk}"
    assert call(world.user("guardian"), "get", url).status_code == 404


def test_homework_detail_three_ways(world: Any, other_world: Any, homework: Homework) -> None:
    url = f"/homework/{homework.pk}"
    assert call(world.user("guardian"), "get", url).json()["description"] == "Strona 40"
    assert call(world.user("secretariat"), "get", url).status_code == 404
    assert call(other_world.user("guardian"), "get", url).status_code == 404


def test_student_ticks_done_over_api(world: Any, other_world: Any, homework: Homework) -> None:
    url = f"/homework/{homework.pk}/done"
    response = call(world.user("student"), "put", url)
    assert response.status_code == 200
    assert response.json()["is_done"] is True
    assert HomeworkDone.objects.filter(homework=homework, student=world.student).exists()
    detail = call(world.user("guardian"), "get", f"/homework/{homework.pk}").json()
    assert detail["is_done"] is True
    assert call(world.user("guardian"), "put", url).status_code == 404
    assert call(other_world.user("student"), "put", url).status_code == 404
    assert call(world.user("student"), "delete", url).json()["is_done"] is False
    assert not HomeworkDone.objects.exists()


def test_teacher_sets_and_deletes_homework(world: Any, other_world: Any) -> None:
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = {"course_id": world.course.pk, "title": "Wiersz", "due_on": due}
    assert call(world.user("homeroom_teacher"), "post", "/homework", data).status_code == 404
    assert call(other_world.user("teacher"), "post", "/homework", data).status_code == 404
    assert call(world.user("student"), "post", "/homework", data).status_code == 404
    response = call(world.user("teacher"), "post", "/homework", data)
    assert response.status_code == 201, response.content
    homework_id = response.json()["id"]
    bad = dict(data, due_on="2000-01-01")
    assert call(world.user("teacher"), "post", "/homework", bad).status_code == 400
    assert call(world.user("principal"), "delete", f"/homework/{homework_id}").status_code == 404
    assert call(world.user("teacher"), "delete", f"/homework/{homework_id}").status_code == 204
    assert Homework.objects.get(pk=homework_id).deleted_at is not None


# --- Announcements -----------------------------------------------------------------------


def test_announcements_list_and_read(
    world: Any, other_world: Any, announcement: Announcement
) -> None:
    rows = call(world.user("guardian"), "get", "/announcements").json()
    assert [(r["title"], r["is_read"]) for r in rows] == [("Wycieczka", False)]
    url = f"/announcements/{announcement.pk}"
    detail = call(world.user("guardian"), "get", url).json()
    assert detail["body"] == "Zbiórka o 8:00"
    assert "reads" not in detail
    assert AnnouncementRead.objects.filter(user=world.user("guardian")).count() == 1
    assert call(world.user("guardian"), "get", "/announcements").json()[0]["is_read"] is True
    author = call(world.user("teacher"), "get", url).json()
    assert author["read_count"] == 1
    assert author["reads"][0]["user"]["id"] == world.user("guardian").pk
    assert call(world.other_student.user, "get", url).status_code == 404
    assert call(other_world.user("guardian"), "get", url).status_code == 404
    assert call(other_world.user("guardian"), "get", "/announcements").json() == []


# --- Dashboard ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "principal"])
def test_dashboard_summary(
    world: Any, homework: Homework, announcement: Announcement, role: str
) -> None:
    response = call(world.user(role), "get", "/dashboard")
    assert response.status_code == 200, response.content
    data = response.json()
    if role in ("guardian", "student"):
        assert data["student_id"] == world.student.pk
        assert [h["title"] for h in data["homework"]] == ["Ćwiczenia 1–3"]
        assert data["new_grades"] == []
    elif role == "teacher":
        assert [h["title"] for h in data["homework"]] == ["Ćwiczenia 1–3"]
        assert data["new_grades"] is None
    if role != "principal":
        assert [a["title"] for a in data["announcements"]] == ["Wycieczka"]


def _more_of_everything(world: Any, n: int) -> None:
    """n more homework (with an attachment each), tests, unread messages and announcements."""
    today = timezone.localdate()
    teacher = world.user("teacher")
    for i in range(n):
        hw = Homework.objects.create(
            school=world.school,
            course=world.course,
            title=f"Zadanie {i}",
            description="Opis",
            set_on=today,
            due_on=today + datetime.timedelta(days=1 + i % 5),
            author=teacher,
        )
        HomeworkAttachment.objects.create(
            school=world.school,
            homework=hw,
            file=ContentFile(b"x", name=f"plik{i}.txt"),
            name=f"plik{i}.txt",
            size=1,
            content_type="text/plain",
        )
        event = Event.objects.create(
            school=world.school,
            kind="test",
            scope="classes",
            title=f"Sprawdzian {i}",
            starts_on=today + datetime.timedelta(days=1 + i % 5),
            ends_on=today + datetime.timedelta(days=1 + i % 5),
            course=world.course,
            subject=world.subject,
            author=teacher,
        )
        event.classes.set([world.school_class])
        message = Message.objects.create(
            school=world.school,
            sender=teacher,
            subject=f"Wiadomość {i}",
            body="Treść",
            created_at=timezone.now(),
        )
        Delivery.objects.create(
            school=world.school,
            message=message,
            owner=world.user("guardian"),
            created_at=message.created_at,
        )
        Announcement.objects.create(
            school=world.school,
            author=teacher,
            title=f"Ogłoszenie {i}",
            body="Tekst",
            audience="school",
            shown_from=today,
        )


def test_dashboard_summary_fields_and_constant_queries(
    world: Any, homework: Homework, announcement: Announcement
) -> None:
    guardian = world.user("guardian")
    _more_of_everything(world, 2)
    call(guardian, "get", "/dashboard")  # the lucky number's cache, the token's bookkeeping
    with CaptureQueriesContext(connection) as small:
        data = call(guardian, "get", "/dashboard").json()
    assert data["unread_messages"] == 2
    newest = data["latest_messages"][0]
    assert newest["subject"].startswith("Wiadomość")
    assert newest["sender"] == {
        "id": world.user("teacher").pk,
        "name": world.user("teacher").full_name,
    }
    assert data["events"][0]["subject"] == world.subject.name
    assert {"id", "title", "pinned", "shown_from", "is_read"} == set(data["announcements"][0])
    by_title = {h["title"]: h for h in data["homework"]}
    assert by_title["Zadanie 0"]["teacher"]["name"] == world.user("teacher").full_name
    assert by_title["Zadanie 0"]["attachments"][0]["name"] == "plik0.txt"
    _more_of_everything(world, 6)
    with CaptureQueriesContext(connection) as large:
        data = call(guardian, "get", "/dashboard").json()
    assert data["unread_messages"] == 8
    assert len(large) == len(small)


def test_dashboard_other_school_and_other_child(
    world: Any, other_world: Any, homework: Homework
) -> None:
    data = call(other_world.user("guardian"), "get", "/dashboard").json()
    assert data["homework"] == []
    url = f"/dashboard?student={world.student.pk}"
    assert call(other_world.user("guardian"), "get", url).status_code == 404


def test_anonymous_is_refused(client: Client) -> None:
    for url in ("/homework", "/announcements", "/dashboard"):
        assert client.get(API + url).status_code in (401, 403)
