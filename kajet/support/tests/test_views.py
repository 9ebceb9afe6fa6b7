"""The support staff's pages, each three ways: the right role, a wrong role, another school
(404); the notes are their author's and the principal's; the card's queries do not grow."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.attendance import services as attendance_services
from kajet.attendance import stats
from kajet.attendance.models import AttendanceMark, Excuse, Lesson
from kajet.core.models import HistoryEntry
from kajet.grades.models import Grade, GradeCategory, GradeColumn
from kajet.remarks.models import Remark, RemarkCategory
from kajet.school.models import LessonPeriod
from kajet.support import services
from kajet.support.models import SupportNote
from kajet.testutils.factories import SchoolWorld, StudentFactory

pytestmark = pytest.mark.django_db

SPECIALISTS = ["pedagogue", "psychologist"]
CARD_ROLES = [*SPECIALISTS, "principal"]
OTHER_ROLES = ["guardian", "student", "teacher", "homeroom_teacher", "secretariat", "school_admin"]
DAY = datetime.date(2026, 10, 14)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def _card(world: SchoolWorld) -> str:
    return reverse("support:student", args=[world.student.pk])


def _fill(world: SchoolWorld, n: int = 1) -> None:
    """A guardian's e-mail, marks, attendance, remarks and an excuse about world.student."""
    school, teacher = world.school, world.user("teacher")
    guardian = world.user("guardian")
    guardian.email = "mama@example.pl"
    guardian.save(update_fields=["email"])
    category, _ = GradeCategory.objects.get_or_create(school=school, name="Sprawdzian", weight=3)
    types = attendance_services.attendance_types_for(school)
    period = LessonPeriod.objects.get(school=school, number=1)
    remark_category, _ = RemarkCategory.objects.get_or_create(
        school=school, name="Pomoc koleżeńska", kind="positive"
    )
    base = GradeColumn.objects.filter(school=school).count()
    for i in range(n):
        day = DAY - datetime.timedelta(days=base + i)
        column = GradeColumn.objects.create(
            school=school,
            course=world.course,
            term=world.term,
            category=category,
            date=day,
            description=f"Ułamki {base + i}",
            created_by=teacher,
        )
        Grade.objects.create(
            school=school,
            student=world.student,
            course=world.course,
            term=world.term,
            column=column,
            text="4+",
            value=Decimal("4.5"),
            created_by=teacher,
        )
        lesson = Lesson.objects.create(
            school=school,
            course=world.course,
            date=day,
            period=period,
            topic="Ułamki",
            teacher=teacher,
        )
        kind = stats.ABSENT if i == 0 else stats.PRESENT
        mark = AttendanceMark.objects.create(
            school=school,
            lesson=lesson,
            student=world.student,
            type=attendance_services.standard_type(types, kind),
        )
        Remark.objects.create(
            school=school,
            student=world.student,
            author=teacher,
            category=remark_category,
            kind="positive",
            text=f"Pomogła koledze {base + i}",
            date=day,
        )
        excuse = Excuse.objects.create(
            school=school, student=world.student, submitted_by=guardian, reason="Wizyta u lekarza"
        )
        excuse.items.create(school=school, mark=mark)


# --- who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("role", CARD_ROLES)
def test_the_card_shows_everything_about_the_student(
    world: SchoolWorld, client_for: Any, role: str
) -> None:
    _fill(world)
    page = client_for(world.user(role)).get(_card(world)).content.decode()
    assert world.student.user.full_name in page
    assert world.user("guardian").full_name in page and "mailto:mama@example.pl" in page
    assert "4+" in page  # the mark
    assert "Matematyka" in page
    assert "Pomogła koledze 0" in page  # the remark
    assert "Wizyta u lekarza" in page  # the excuse
    assert reverse("grades:student", args=[world.student.pk]) in page


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_404(world: SchoolWorld, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    assert client.get(reverse("support:index")).status_code == 404
    assert client.get(_card(world)).status_code == 404
    url = reverse("support:note_add", args=[world.student.pk])
    assert client.post(url, {"date": "2026-11-02", "text": "x"}).status_code == 404
    assert not SupportNote.objects.exists()


@pytest.mark.parametrize("role", CARD_ROLES)
def test_another_schools_staff_get_404(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any, role: str
) -> None:
    client = client_for(other_world.user(role))
    assert client.get(_card(world)).status_code == 404
    url = reverse("support:note_add", args=[world.student.pk])
    assert client.post(url, {"date": "2026-11-02", "text": "x"}).status_code == 404
    index = client.get(reverse("support:index"), {"q": world.student.user.last_name})
    assert index.status_code == 200
    assert world.student.user.full_name not in index.content.decode()


@pytest.mark.parametrize("role", CARD_ROLES)
def test_the_index_lists_a_class_and_finds_by_name(
    world: SchoolWorld, client_for: Any, role: str
) -> None:
    client = client_for(world.user(role))
    page = client.get(reverse("support:index"), {"klasa": world.school_class.pk}).content.decode()
    assert _card(world) in page
    assert reverse("support:student", args=[world.other_student.pk]) not in page
    found = client.get(reverse("support:index"), {"q": world.other_student.user.last_name})
    assert reverse("support:student", args=[world.other_student.pk]) in found.content.decode()


# --- the notes: their author's and the principal's --------------------------------------------


def _add(client: Any, world: SchoolWorld, text: str) -> Any:
    url = reverse("support:note_add", args=[world.student.pk])
    return client.post(url, {"date": "2026-11-02", "text": text})


@pytest.mark.parametrize("author", SPECIALISTS)
def test_a_note_is_seen_by_its_author_and_the_principal_only(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any, author: str
) -> None:
    response = _add(client_for(world.user(author)), world, "Rozmowa o adaptacji w klasie")
    assert response.status_code == 302
    note = SupportNote.objects.get()
    assert note.author == world.user(author)
    note_url = reverse("support:note", args=[note.pk])
    for role in (author, "principal"):
        client = client_for(world.user(role))
        assert "Rozmowa o adaptacji" in client.get(_card(world)).content.decode()
        assert client.get(note_url).status_code == 200
    colleague = next(r for r in SPECIALISTS if r != author)
    client = client_for(world.user(colleague))
    assert "Rozmowa o adaptacji" not in client.get(_card(world)).content.decode()
    assert client.get(note_url).status_code == 404
    for role in ("homeroom_teacher", "guardian", "secretariat"):
        assert client_for(world.user(role)).get(note_url).status_code == 404
    assert client_for(other_world.user(author)).get(note_url).status_code == 404
    assert client_for(other_world.user("principal")).get(note_url).status_code == 404


def test_the_author_changes_a_note_and_the_history_keeps_the_old_text(
    world: SchoolWorld, client_for: Any
) -> None:
    pedagogue = client_for(world.user("pedagogue"))
    _add(pedagogue, world, "Pierwsza wersja")
    note = SupportNote.objects.get()
    url = reverse("support:note", args=[note.pk])
    response = pedagogue.post(url, {"date": "2026-11-03", "text": "Druga wersja", "version": 1})
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.version, note.date) == ("Druga wersja", 2, datetime.date(2026, 11, 3))
    for role in ("pedagogue", "principal"):
        page = client_for(world.user(role)).get(url).content.decode()
        assert "Pierwsza wersja" in page and "Druga wersja" in page
        assert "2 November 2026" in page and "3 November 2026" in page
    codes = list(HistoryEntry.objects.filter(object_type="support.note").values_list("code"))
    assert codes == [("support.note.created",), ("support.note.changed",)]
    # A stale form is refused; nothing changes.
    stale = pedagogue.post(url, {"date": "2026-11-03", "text": "Trzecia", "version": 1})
    assert stale.status_code == 200 and "changed meanwhile" in stale.content.decode()
    note.refresh_from_db()
    assert note.text == "Druga wersja"


@pytest.mark.parametrize("role", ["principal", "psychologist", "teacher"])
def test_nobody_but_the_author_changes_a_note(
    world: SchoolWorld, client_for: Any, role: str
) -> None:
    note = services.support_note_add(
        actor=world.user("pedagogue"), student=world.student, date=DAY, text="Oryginał"
    )
    url = reverse("support:note", args=[note.pk])
    response = client_for(world.user(role)).post(url, {"date": "2026-11-03", "text": "Zmiana"})
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.text == "Oryginał"


def test_an_empty_note_is_refused(world: SchoolWorld, client_for: Any) -> None:
    response = _add(client_for(world.user("psychologist")), world, "   ")
    assert response.status_code == 400
    assert not SupportNote.objects.exists()


def test_the_principal_writes_no_notes(world: SchoolWorld, client_for: Any) -> None:
    client = client_for(world.user("principal"))
    assert 'name="text"' not in client.get(_card(world)).content.decode()
    assert _add(client, world, "Dyrektor").status_code == 404


# --- the sections' own apps let the support staff in ------------------------------------------


@pytest.mark.parametrize("role", SPECIALISTS)
def test_specialists_open_the_grades_page_marks_and_class_attendance(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any, role: str
) -> None:
    _fill(world)
    client = client_for(world.user(role))
    grade = Grade.objects.get(student=world.student)
    assert client.get(reverse("grades:student", args=[world.student.pk])).status_code == 200
    assert client.get(reverse("grades:mark", args=[grade.pk])).status_code == 200
    class_url = reverse("attendance:class", args=[world.school_class.pk])
    assert client.get(class_url).status_code == 200
    other = client_for(other_world.user(role))
    assert other.get(reverse("grades:student", args=[world.student.pk])).status_code == 404
    assert other.get(reverse("grades:mark", args=[grade.pk])).status_code == 404
    assert other.get(class_url).status_code == 404


# --- a fixed number of queries ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["pedagogue", "principal"])
def test_the_card_costs_the_same_with_more_data(
    world: SchoolWorld, client_for: Any, role: str
) -> None:
    client = client_for(world.user(role))
    counts = []
    for n in (1, 6):
        _fill(world, n)
        StudentFactory(school_class=world.school_class, class_number=20 + n)
        services.support_note_add(
            actor=world.user("pedagogue"), student=world.student, date=DAY, text=f"Notatka {n}"
        )
        client.get(_card(world))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_card(world)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 20
