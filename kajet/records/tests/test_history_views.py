"""The history of changes: the principal's filtered list and exports, the family's own
history — right role, wrong role, another school (404), filters, CSV and PDF content,
bad input and constant queries."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.attendance.models import AttendanceType
from kajet.core.models import HistoryEntry
from kajet.records.history import selectors
from kajet.records.tests import history_helpers as h
from kajet.records.tests.helpers import pdf_text
from kajet.school.models import Guardianship
from kajet.testutils.factories import SchoolWorld, StudentFactory

HISTORY = reverse("records:history")
CSV = reverse("records:history_csv")
PDF = reverse("records:history_pdf")
FAMILY = reverse("records:family_history")
FAMILY_CSV = reverse("records:family_history_csv")
FAMILY_PDF = reverse("records:family_history_pdf")

Clients = Callable[[Any], Client]


@pytest.fixture(autouse=True)
def _polish(settings: Any) -> None:
    settings.LANGUAGE_CODE = "pl"  # the pages' default language


@pytest.fixture
def changes(world: SchoolWorld) -> dict[str, Any]:
    return h.register_changes(world)


def _absence() -> str:
    """How an absence that was a presence reads (the school's attendance types' names)."""
    names = dict(AttendanceType.objects.values_list("code", "name"))
    return f"ob ({names['ob']}) → nb ({names['nb']})"


def _text(response: Any) -> str:
    return response.content.decode()


def _csv_rows(response: Any) -> list[list[str]]:
    body = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


# --- who may open what -----------------------------------------------------------------------


@pytest.mark.parametrize("url", [HISTORY, CSV, PDF])
def test_principal_pages_three_ways(
    url: str, world: SchoolWorld, other_world: SchoolWorld, client_for: Clients, changes: Any
) -> None:
    assert client_for(world.user("principal")).get(url).status_code == 200
    for role in ("teacher", "homeroom_teacher", "guardian", "student", "secretariat"):
        assert client_for(world.user(role)).get(url).status_code == 404, role
    # another school's principal: their own (empty) history, never school A's rows
    theirs = client_for(other_world.user("principal")).get(url)
    assert theirs.status_code == 200
    if url == HISTORY:
        assert theirs.context["rows"] == []
        assert "Wycieczka do Krakowa" not in _text(theirs)
    # … and school A's ids in their filter are a 404
    for params in (
        {"klasa": world.school_class.pk},
        {"uczen": world.student.pk},
        {"przedmiot": world.subject.pk},
        {"autor": world.user("teacher").pk},
    ):
        response = client_for(other_world.user("principal")).get(url, params)
        assert response.status_code == 404, params


@pytest.mark.parametrize("url", [FAMILY, FAMILY_CSV, FAMILY_PDF])
def test_family_pages_three_ways(
    url: str, world: SchoolWorld, other_world: SchoolWorld, client_for: Clients, changes: Any
) -> None:
    for role in ("guardian", "student"):
        assert client_for(world.user(role)).get(url).status_code == 200, role
    for role in ("teacher", "homeroom_teacher", "principal", "secretariat"):
        assert client_for(world.user(role)).get(url).status_code == 404, role
    # another school's family may not name school A's student
    guardian_b = client_for(other_world.user("guardian"))
    assert guardian_b.get(url, {"uczen": world.student.pk}).status_code == 404
    # nor may school A's family name a student who is not theirs
    for role in ("guardian", "student"):
        response = client_for(world.user(role)).get(url, {"uczen": world.other_student.pk})
        assert response.status_code == 404, role
    assert client_for(world.user("guardian")).get(url, {"uczen": "x"}).status_code == 404


def test_printouts_page_links_the_history_for_the_right_roles(
    world: SchoolWorld, client_for: Clients
) -> None:
    index = reverse("records:index")
    principal = _text(client_for(world.user("principal")).get(index))
    assert f'href="{HISTORY}"' in principal and FAMILY not in principal
    for role in ("guardian", "student"):
        page = _text(client_for(world.user(role)).get(index))
        assert FAMILY in page and f'href="{HISTORY}"' not in page, role
    for role in ("homeroom_teacher", "secretariat"):
        page = _text(client_for(world.user(role)).get(index))
        assert "/wydruki/historia/" not in page, role


# --- the principal's list --------------------------------------------------------------------


def test_the_list_tells_each_change_in_polish(
    world: SchoolWorld, client_for: Clients, changes: Any
) -> None:
    page = _text(client_for(world.user("principal")).get(HISTORY))
    assert "Historia zmian" in page
    assert "3 → 4+ · komentarz: poprawa" in page  # old → new of the changed mark
    assert "zmiana oceny" in page and "ocena" in page
    assert _absence() in page
    assert "ocena śródroczna lub roczna" in page
    assert "tytuł: Wycieczka do Krakowa" in page and "dodanie wydarzenia" in page
    assert "rodzaj: wycieczka" in page and "od: 18.12.2026" in page
    assert world.student.user.sort_name in page and world.other_student.user.sort_name in page
    assert world.user("teacher").full_name in page
    assert "Matematyka" in page and "Historia" in page


def _rows(world: SchoolWorld, **params: Any) -> list[selectors.HistoryRow]:
    """What the page shows for these filters (the rows of its context)."""
    client = Client()
    client.force_login(world.user("principal"), backend="kajet.accounts.backends.LoginBackend")
    response = client.get(HISTORY, params)
    assert response.status_code == 200, response.content[:500]
    return list(response.context["rows"])


def test_filter_by_class_student_subject_author_kind(world: SchoolWorld, changes: Any) -> None:
    everything = _rows(world)
    in_6b = _rows(world, klasa=world.school_class.pk)
    in_2a = _rows(world, klasa=world.other_class.pk)
    assert {r.school_class for r in in_2a} == {"2a"}
    assert {r.student for r in in_2a} == {world.other_student.user.sort_name}
    assert world.other_student.user.sort_name not in {r.student for r in in_6b}
    assert "Wycieczka do Krakowa" in " ".join(r.change.description for r in in_6b)
    assert len(in_6b) + len(in_2a) <= len(everything)

    mine = _rows(world, uczen=world.student.pk)
    assert mine and {r.student for r in mine} == {world.student.user.sort_name}
    assert {r.change.kind for r in mine} >= {"grade", "attendance", "term_grade"}

    history = _rows(world, przedmiot=changes["history"].pk)
    assert history and {r.subject for r in history} == {"Historia"}

    by_homeroom = _rows(world, autor=world.user("homeroom_teacher").pk)
    assert by_homeroom and {r.author for r in by_homeroom} == {
        world.user("homeroom_teacher").full_name
    }

    attendance = _rows(world, rodzaj="attendance")
    assert [r.change.description for r in attendance] == [_absence()]
    events = _rows(world, rodzaj="event")
    assert [r.entry.code for r in events] == ["timetable.event.added"]

    combined = _rows(
        world, klasa=world.school_class.pk, rodzaj="grade", autor=world.user("teacher").pk
    )
    assert [r.entry.code for r in combined] == ["grades.grade.changed", "grades.grade.created"]


def test_filter_by_date(world: SchoolWorld, changes: Any) -> None:
    old = timezone.make_aware(datetime.datetime(2026, 10, 5, 12, 0))
    HistoryEntry.objects.filter(code="grades.grade.created").update(at=old)
    october = _rows(world, od="2026-10-01", do="2026-10-31")
    assert october and {r.entry.code for r in october} == {"grades.grade.created"}
    later = _rows(world, od="2026-10-06")
    assert "grades.grade.created" not in {r.entry.code for r in later}
    assert len(later) + len(october) == len(_rows(world))


def test_an_unknown_code_is_shown_as_it_is(world: SchoolWorld, changes: Any) -> None:
    HistoryEntry.objects.create(
        school=world.school,
        actor=world.user("principal"),
        code="timetable.event.deleted",
        object_type="event",
        object_id=changes["event"].pk,
        old={"title": "Wycieczka do Krakowa"},
    )
    HistoryEntry.objects.create(
        school=world.school, code="grades.scale.renamed", object_type="x", object_id=1
    )
    events = _rows(world, rodzaj="event")
    assert "timetable.event.deleted" in {r.change.action for r in events}
    other = _rows(world, rodzaj="other")
    assert [(r.change.kind, r.change.action) for r in other] == [("other", "grades.scale.renamed")]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"od": "2026-12-01", "do": "2026-11-01"},
            "Data początkowa jest późniejsza niż data końcowa.",
        ),
        ({"od": "jutro"}, "Wpisz poprawną datę."),
        ({"rodzaj": "nic"}, "Wybierz poprawną wartość."),
    ],
)
def test_bad_filter_says_so(
    world: SchoolWorld, client_for: Clients, changes: Any, params: dict[str, str], message: str
) -> None:
    response = client_for(world.user("principal")).get(HISTORY, params)
    assert response.status_code == 400
    assert message in _text(response)
    assert response.context["rows"] == []
    assert client_for(world.user("principal")).get(CSV, params).status_code == 404


@pytest.mark.parametrize("value", ["999999", "abc", "-1"])
def test_unknown_ids_are_404(world: SchoolWorld, client_for: Clients, value: str) -> None:
    for name in ("klasa", "uczen", "przedmiot", "autor"):
        response = client_for(world.user("principal")).get(HISTORY, {name: value})
        assert response.status_code == 404, name


def test_a_family_user_is_no_author_to_filter_by(world: SchoolWorld, client_for: Clients) -> None:
    response = client_for(world.user("principal")).get(
        HISTORY, {"autor": world.user("guardian").pk}
    )
    assert response.status_code == 404


# --- exports ---------------------------------------------------------------------------------


def test_csv_export(world: SchoolWorld, client_for: Clients, changes: Any) -> None:
    response = client_for(world.user("principal")).get(CSV, {"uczen": world.student.pk})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="historia-zmian-')
    assert response.content.startswith("\ufeff".encode())  # a BOM: spreadsheets read UTF-8
    rows = _csv_rows(response)
    assert rows[0] == [
        "Kiedy",
        "Kto zmienił",
        "Rodzaj zmiany",
        "Co się stało",
        "Uczeń",
        "Klasa",
        "Przedmiot",
        "Zmiana",
        "Kod",
    ]
    body = rows[1:]
    assert (
        len(body) == HistoryEntry.objects.filter(code__in=[r[8] for r in body]).count() - 1
    )  # the other student's created mark is left out
    changed = next(r for r in body if r[8] == "grades.grade.changed")
    assert changed[1:8] == [
        world.user("teacher").full_name,
        "ocena",
        "zmiana oceny",
        world.student.user.sort_name,
        "6b",
        "Matematyka",
        "3 → 4+ · komentarz: poprawa",
    ]
    assert {r[4] for r in body} == {world.student.user.sort_name}


def test_csv_export_is_capped_and_says_so(
    world: SchoolWorld, client_for: Clients, changes: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(selectors, "EXPORT_LIMIT", 2)
    monkeypatch.setattr(selectors, "PDF_LIMIT", 1)
    total = len(_rows(world))
    rows = _csv_rows(client_for(world.user("principal")).get(CSV))
    assert len(rows) == 1 + 2 + 1
    assert rows[-1] == [f"Wyeksportowano tylko 2 najnowszych spośród {total} zmian; zawęź filtr."]
    page = _text(client_for(world.user("principal")).get(HISTORY))
    assert "Plik CSV obejmuje tylko 2 najnowszych zmian, a PDF — 1 najnowszych" in page
    text = pdf_text(client_for(world.user("principal")).get(PDF).content)
    assert f"Wyeksportowano tylko 1 najnowszych spośród {total} zmian" in text


def test_pdf_export(world: SchoolWorld, client_for: Clients, changes: Any) -> None:
    response = client_for(world.user("principal")).get(
        PDF, {"klasa": world.school_class.pk, "rodzaj": "grade"}
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Historia zmian" in text
    assert world.school.name in text
    assert "Klasa: 6b" in text and "Rodzaj zmiany: ocena" in text
    assert "3 → 4+ · komentarz: poprawa" in text and "ocena: dodanie" in text
    assert world.student.user.sort_name in text
    assert world.other_student.user.sort_name not in text
    assert "Wycieczka" not in text


# --- the family ------------------------------------------------------------------------------


def test_family_sees_only_their_childs_grades_and_attendance(
    world: SchoolWorld, client_for: Clients, changes: Any
) -> None:
    for role in ("guardian", "student"):
        response = client_for(world.user(role)).get(FAMILY)
        rows = response.context["rows"]
        codes = {r.entry.code for r in rows}
        assert codes == {
            "grades.grade.created",
            "grades.grade.changed",
            "attendance.mark.changed",
            "grades.term_grade.created",
        }, role
        assert len(rows) == 4  # not the other student's mark
        page = _text(response)
        assert "3 → 4+" in page and "Wycieczka" not in page
        assert world.other_student.user.sort_name not in page


def test_family_filters_by_kind(world: SchoolWorld, client_for: Clients, changes: Any) -> None:
    response = client_for(world.user("guardian")).get(FAMILY, {"rodzaj": "attendance"})
    assert [r.entry.code for r in response.context["rows"]] == ["attendance.mark.changed"]


def test_guardian_of_two_chooses_the_child(
    world: SchoolWorld, client_for: Clients, changes: Any
) -> None:
    guardian = world.user("guardian")
    second = StudentFactory(school_class=world.other_class, class_number=2)
    Guardianship.objects.create(school=world.school, guardian=guardian, student=second)
    h.marks(world, changes["other_course"], {second.pk: "6"}, world.user("homeroom_teacher"))
    client = client_for(guardian)
    first_page = client.get(FAMILY, {"uczen": world.student.pk})
    assert len(first_page.context["rows"]) == 4
    assert f"?uczen={second.pk}" in _text(first_page)  # the switch to the other child
    second_page = client.get(FAMILY, {"uczen": second.pk})
    rows = second_page.context["rows"]
    assert [r.change.description for r in rows] == ["6"]
    assert second_page.context["student"] == second
    csv_rows = _csv_rows(client.get(FAMILY_CSV, {"uczen": second.pk}))
    assert [r[7] for r in csv_rows[1:]] == ["6"]


def test_family_pdf(world: SchoolWorld, client_for: Clients, changes: Any) -> None:
    text = pdf_text(client_for(world.user("guardian")).get(FAMILY_PDF).content)
    assert f"Historia zmian — {world.student.user.full_name}" in text
    assert "3 → 4+" in text and _absence() in text
    assert world.other_student.user.sort_name not in text


# --- queries ---------------------------------------------------------------------------------


def _count(client: Client, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_pages_cost_the_same_with_more_rows(
    world: SchoolWorld,
    client_for: Clients,
    changes: Any,
    django_assert_max_num_queries: Any,
) -> None:
    principal = client_for(world.user("principal"))
    guardian = client_for(world.user("guardian"))
    few = {
        "principal": _count(principal, HISTORY),
        "filtered": _count(principal, HISTORY, {"klasa": world.school_class.pk, "rodzaj": "grade"}),
        "family": _count(guardian, FAMILY),
    }
    assert HistoryEntry.objects.count() < 15
    # dozens of students with a mark and an absence each: well over a page of rows
    students = h.many_students(world, 60)
    h.marks(world, world.course, {s.pk: "4" for s in students}, world.user("teacher"))
    h.attendance(world, students, number=2)
    h.marks(world, world.course, {world.student.pk: "2"}, world.user("teacher"))
    assert HistoryEntry.objects.count() > 2 * selectors.PER_PAGE
    with django_assert_max_num_queries(few["principal"]):
        principal.get(HISTORY)
    with django_assert_max_num_queries(few["filtered"]):
        principal.get(HISTORY, {"klasa": world.school_class.pk, "rodzaj": "grade"})
    with django_assert_max_num_queries(few["family"]):
        guardian.get(FAMILY)
    assert len(principal.get(HISTORY).context["rows"]) == selectors.PER_PAGE


def test_school_b_rows_never_show(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Clients, changes: Any
) -> None:
    with scopes_disabled():
        h.register_changes(other_world)
    page = client_for(world.user("principal")).get(HISTORY)
    with scopes_disabled():
        b_ids = set(
            HistoryEntry.objects.filter(school=other_world.school).values_list("pk", flat=True)
        )
    assert b_ids and not b_ids & {r.entry.pk for r in page.context["rows"]}
