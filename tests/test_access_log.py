"""Which pages write the access log (kajet.audit.services.LOGGED_VIEWS): a staff member's view
of a student's grades, excuse and its document, record sheet(s), attendance printout and
pupil-support card, and the API's grades and attendance of a student, writes one row per
student; the family's own views of the same pages write none; a refused request writes none."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.attendance import services as attendance_services
from kajet.attendance.tests.helpers import absent, recent_weekday
from kajet.audit.models import AccessLogEntry
from kajet.audit.services import LOGGED_VIEWS
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

RANGE = {"od": "2026-11-01", "do": "2026-11-30"}


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def _log() -> list[tuple[str, int, str]]:
    return list(
        AccessLogEntry.objects.order_by("id").values_list("viewer__login", "student_id", "kind")
    )


def _excuse(world: SchoolWorld) -> Any:
    mark = absent(world.course, world.student, recent_weekday(2), 1)
    return attendance_services.excuse_submit(
        actor=world.user("guardian"),
        student=world.student,
        mark_ids=[mark.pk],
        reason="Choroba",
        attachment=SimpleUploadedFile("zw.pdf", b"%PDF-1.4 note", "application/pdf"),
    )


def _pages(world: SchoolWorld) -> list[tuple[str, str, list[Any], dict[str, str]]]:
    """(URL name, a staff role who may open it, the students it shows, query)."""
    excuse = _excuse(world)
    student = world.student.pk
    return [
        ("grades:student", "teacher", [student], {}),
        ("attendance:excuse", "homeroom_teacher", [excuse.pk], {}),
        ("attendance:attachment", "homeroom_teacher", [excuse.pk], {}),
        ("records:record_sheet", "homeroom_teacher", [student], {}),
        ("records:record_sheets", "principal", [world.school_class.pk], {}),
        ("records:student_attendance", "homeroom_teacher", [student], RANGE),
        ("support:student", "pedagogue", [student], {}),
        ("api:grades-student", "teacher", [student], {}),
        ("api:attendance-student", "homeroom_teacher", [student], {}),
        ("api:attendance-student-lessons", "homeroom_teacher", [student], {}),
    ]


def test_every_logged_page_is_covered(world: SchoolWorld) -> None:
    assert {name for name, *_ in _pages(world)} == set(LOGGED_VIEWS)


def test_a_staff_view_writes_one_row_per_student(world: SchoolWorld, client_for: Any) -> None:
    for name, role, args, query in _pages(world):
        AccessLogEntry.objects.all().delete()
        viewer = world.user(role)
        if name == "records:record_sheets":  # asked for with POST, made in the background
            response = client_for(viewer).post(reverse(name, args=args), query)
            assert response.status_code == 302, name
        else:
            response = client_for(viewer).get(reverse(name, args=args), query)
            assert response.status_code == 200, name
        if response.streaming:  # the attachment: read it, so the client closes the file
            b"".join(response.streaming_content)
        students = (
            world.school_class.students.all()
            if name == "records:record_sheets"
            else [world.student]
        )
        expected = sorted((viewer.login, s.pk, LOGGED_VIEWS[name]) for s in students)
        assert sorted(_log()) == expected, name


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_the_familys_own_views_are_not_logged(
    world: SchoolWorld, client_for: Any, role: str
) -> None:
    excuse = _excuse(world)
    client = client_for(world.user(role))
    for url in (
        reverse("grades:student", args=[world.student.pk]),
        reverse("attendance:excuse", args=[excuse.pk]),
        reverse("records:family_report", args=[world.student.pk]),
        reverse("api:grades-student", args=[world.student.pk]),
        reverse("api:attendance-student", args=[world.student.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert _log() == []


def test_a_refused_view_is_not_logged(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any
) -> None:
    for name, role, args, query in _pages(world):
        for user in (other_world.user(role), other_world.user("principal")):
            method = "post" if name == "records:record_sheets" else "get"
            response = getattr(client_for(user), method)(reverse(name, args=args), query)
            assert response.status_code == 404, (name, user)
    assert _log() == []


def test_logging_costs_one_query(world: SchoolWorld, client_for: Any) -> None:
    url = reverse("support:student", args=[world.student.pk])
    client = client_for(world.user("pedagogue"))
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    inserts = [q["sql"] for q in queries.captured_queries if "audit_accesslogentry" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT")
