"""The access log's pages, each three ways (the right role, a wrong role, another school),
their filters, and a query count that does not grow with the rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kajet.accounts.models import User
from kajet.audit.models import AccessLogEntry, Kind
from kajet.audit.services import access_log_record
from kajet.school.models import Student
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

LOG = "/dostep/"
FAMILY = "/dostep/moje-dane/"
STAFF_NOT_PRINCIPAL = [
    "teacher",
    "homeroom_teacher",
    "secretariat",
    "school_admin",
    "pedagogue",
    "psychologist",
]


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def _entry(
    world: SchoolWorld, viewer: str, student: Student, kind: Kind, days_ago: int = 0
) -> None:
    AccessLogEntry.objects.create(
        school=world.school,
        viewer=world.user(viewer),
        student=student,
        kind=kind,
        at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_urls() -> None:
    assert reverse("audit:log") == LOG
    assert reverse("audit:family") == FAMILY


# --- writing ----------------------------------------------------------------------------------


def test_staff_views_are_recorded_family_views_are_not(world: SchoolWorld) -> None:
    students = [world.student, world.other_student]
    assert access_log_record(viewer=world.user("teacher"), kind=Kind.GRADES, students=students) == 2
    for role in ("guardian", "student"):
        assert access_log_record(viewer=world.user(role), kind=Kind.GRADES, students=students) == 0
    rows = list(AccessLogEntry.objects.order_by("student_id"))
    assert [(r.viewer, r.kind) for r in rows] == [(world.user("teacher"), "grades")] * 2
    assert {r.student_id for r in rows} == {world.student.pk, world.other_student.pk}


def test_recording_is_one_insert_and_no_reads(world: SchoolWorld) -> None:
    teacher = world.user("teacher")
    students = [world.student, world.other_student]
    with CaptureQueriesContext(connection) as queries:
        access_log_record(viewer=teacher, kind=Kind.RECORD_SHEET, students=students)
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1 and statements[0].startswith("INSERT")


# --- the principal's review -------------------------------------------------------------------


def test_the_principal_reviews_and_filters_the_log(world: SchoolWorld, client_for: Any) -> None:
    _entry(world, "teacher", world.student, Kind.GRADES)
    _entry(world, "pedagogue", world.other_student, Kind.SUPPORT_CARD, days_ago=10)
    client = client_for(world.user("principal"))
    page = client.get(LOG).content.decode()
    assert world.user("teacher").sort_name in page and world.user("pedagogue").sort_name in page
    assert "2 entries" in page and "pupil-support card" in page

    by_student = client.get(LOG, {"uczen": world.other_student.pk}).content.decode()
    assert "1 entry" in by_student and "pupil-support card" in by_student
    by_name = client.get(LOG, {"q": world.student.user.last_name}).content.decode()
    assert "1 entry" in by_name and world.user("teacher").sort_name in by_name
    by_staff = client.get(LOG, {"pracownik": world.user("teacher").pk}).content.decode()
    assert "1 entry" in by_staff and ">grades<" in by_staff
    today = timezone.localdate()
    recent = client.get(LOG, {"od": (today - datetime.timedelta(days=1)).isoformat()})
    assert "1 entry" in recent.content.decode()
    older = client.get(LOG, {"do": (today - datetime.timedelta(days=5)).isoformat()})
    assert "1 entry" in older.content.decode()


def test_a_reversed_date_range_is_explained(world: SchoolWorld, client_for: Any) -> None:
    client = client_for(world.user("principal"))
    response = client.get(LOG, {"od": "2026-10-10", "do": "2026-10-01"})
    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()


@pytest.mark.parametrize("role", [*STAFF_NOT_PRINCIPAL, "guardian", "student"])
def test_other_roles_may_not_review_the_log(world: SchoolWorld, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).get(LOG).status_code == 404


def test_another_schools_principal_sees_none_of_this_schools_log(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any
) -> None:
    _entry(world, "teacher", world.student, Kind.GRADES)
    client = client_for(other_world.user("principal"))
    # (both schools' people have the same names: look at the rows' links)
    row_link = f'href="?uczen={world.student.pk}"'
    page = client.get(LOG, {"uczen": world.student.pk}).content.decode()
    assert "0 entries" in page and row_link not in page
    other = client.get(LOG, {"pracownik": world.user("teacher").pk}).content.decode()
    assert "0 entries" in other and row_link not in other
    assert row_link not in client.get(LOG).content.decode()


def _queries(client: Any, url: str) -> int:
    client.get(url)  # the first request of a session writes it; measure a later one
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_review_costs_the_same_with_more_rows(world: SchoolWorld, client_for: Any) -> None:
    client = client_for(world.user("principal"))
    _entry(world, "teacher", world.student, Kind.GRADES)
    few = _queries(client, LOG)
    for role in STAFF_NOT_PRINCIPAL:
        for student in (world.student, world.other_student):
            _entry(world, role, student, Kind.ATTENDANCE)
    assert _queries(client, LOG) == few


# --- the family's page ------------------------------------------------------------------------


def test_a_guardian_sees_who_viewed_their_childs_data(world: SchoolWorld, client_for: Any) -> None:
    _entry(world, "homeroom_teacher", world.student, Kind.EXCUSE_DOCUMENT)
    _entry(world, "teacher", world.other_student, Kind.GRADES)  # not the guardian's child
    for role in ("guardian", "student"):
        page = client_for(world.user(role)).get(FAMILY).content.decode()
        assert world.user("homeroom_teacher").full_name in page
        assert "excuse document" in page and "1 entry" in page
        assert "(teacher)" in page  # the viewer's role (the homeroom teacher is a teacher)
        assert world.user("teacher").full_name not in page


def test_the_account_menu_leads_families_there(world: SchoolWorld, client_for: Any) -> None:
    home = client_for(world.user("guardian")).get(reverse("dashboard:home")).content.decode()
    assert FAMILY in home and "Who viewed my child's data" in home
    mine = client_for(world.user("student")).get(reverse("dashboard:home")).content.decode()
    assert FAMILY in mine and "Who viewed my data" in mine
    staff = client_for(world.user("teacher")).get(reverse("dashboard:home")).content.decode()
    assert FAMILY not in staff


@pytest.mark.parametrize("role", [*STAFF_NOT_PRINCIPAL, "principal"])
def test_staff_have_no_family_page(world: SchoolWorld, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).get(FAMILY).status_code == 404


def test_another_schools_guardian_sees_only_their_own_child(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any
) -> None:
    _entry(world, "teacher", world.student, Kind.GRADES)
    page = client_for(other_world.user("guardian")).get(FAMILY).content.decode()
    assert "0 entries" in page


def test_a_guardian_without_children_gets_404(world: SchoolWorld, client_for: Any) -> None:
    lonely = User.objects.create_user(
        login="9999999",
        password="x",
        school=world.school,
        kind=User.Kind.GUARDIAN,
        must_change_password=False,
    )
    assert client_for(lonely).get(FAMILY).status_code == 404


def test_the_family_page_costs_the_same_with_more_rows(world: SchoolWorld, client_for: Any) -> None:
    client = client_for(world.user("guardian"))
    _entry(world, "teacher", world.student, Kind.GRADES)
    few = _queries(client, FAMILY)
    for role in STAFF_NOT_PRINCIPAL:
        _entry(world, role, world.student, Kind.RECORD_SHEET)
    assert _queries(client, FAMILY) == few
