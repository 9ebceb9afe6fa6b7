"""After the year-end archive is signed, the year's register is read-only except documented
corrections: the grades and attendance write services consult kajet.school.register_lock."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kajet.attendance import services as attendance_services
from kajet.attendance import stats
from kajet.core.models import HistoryEntry
from kajet.grades.models import Grade, GradeCategory
from kajet.grades.services.marks import (
    Cell,
    GradeError,
    column_add,
    grade_correct,
    grade_delete,
    grade_update,
)
from kajet.grades.services.term import (
    BehaviourInput,
    TermGradeInput,
    behaviour_grades_set,
    term_grades_set,
)
from kajet.records.archive.services import archive_request, archive_sign
from kajet.records.tests.certs import PASSWORD, pkcs12_file
from kajet.records.tests.helpers import DAY, column_with_marks
from kajet.school.models import LessonPeriod, SchoolYear
from kajet.testutils.factories import SchoolWorld

NOW = datetime.datetime(2027, 7, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def archived(world: SchoolWorld, django_capture_on_commit_callbacks: Any) -> Grade:
    """World A's year with one mark, then archived (generated and signed)."""
    column_with_marks(world.course, world.term, {world.student.pk: "4"})
    principal = world.user("principal")
    with django_capture_on_commit_callbacks(execute=True):
        archive = archive_request(actor=principal, year=world.year, today=NOW.date())
    archive.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        archive_sign(
            actor=principal, archive=archive, pkcs12=pkcs12_file(), password=PASSWORD, now=NOW
        )
    return Grade.objects.get(student=world.student)


def test_signing_the_archive_locks_the_year(world: SchoolWorld, archived: Grade) -> None:
    assert SchoolYear.objects.get(pk=world.year.pk).archived_at == NOW


def test_new_marks_and_edits_are_refused(world: SchoolWorld, archived: Grade) -> None:
    teacher = world.user("teacher")
    category = GradeCategory.objects.get(school=world.school, name="Sprawdzian")
    with pytest.raises(GradeError, match="2026/2027 is archived"):
        column_add(
            actor=teacher,
            course=world.course,
            term=world.term,
            category=category,
            date=DAY,
            cells=[Cell(world.student.pk, "5")],
        )
    with pytest.raises(GradeError, match="is archived"):
        grade_update(actor=teacher, grade=archived, text="5", comment="", version=archived.version)
    with pytest.raises(GradeError, match="is archived"):
        grade_correct(actor=teacher, grade=archived, text="5")  # no reason
    with pytest.raises(GradeError, match="is archived"):
        term_grades_set(
            actor=teacher,
            course=world.course,
            kind=Grade.Kind.FINAL_ANNUAL,
            term=None,
            rows=[TermGradeInput(world.student.pk, "5")],
        )
    with pytest.raises(GradeError, match="is archived"):
        behaviour_grades_set(
            actor=world.user("homeroom_teacher"),
            school_class=world.school_class,
            term=None,
            rows=[BehaviourInput(world.student.pk, 5)],
        )
    assert Grade.objects.filter(student=world.student).count() == 1


def test_attendance_is_refused(world: SchoolWorld, archived: Grade) -> None:
    types = attendance_services.attendance_types_for(world.school)
    with pytest.raises(ValidationError, match="is archived"):
        attendance_services.lesson_save(
            actor=world.user("teacher"),
            course=world.course,
            day=DAY,
            period=LessonPeriod.objects.get(school=world.school, number=1),
            topic="Ułamki",
            marks={world.student.pk: attendance_services.standard_type(types, stats.ABSENT).pk},
            roster=[world.student],
            types=types,
        )


def test_documented_corrections_pass_and_are_logged(world: SchoolWorld, archived: Grade) -> None:
    teacher = world.user("teacher")
    reason = "Błąd przy przepisywaniu ze sprawdzianu (protokół rady z 30.08.2027)"
    correction = grade_correct(actor=teacher, grade=archived, text="5", comment=reason)
    entry = HistoryEntry.objects.get(code="grades.grade.corrected", object_id=correction.pk)
    assert entry.actor == teacher and entry.new["comment"] == reason
    grade_delete(actor=teacher, grade=correction, reason="Wpis do złego ucznia", version=1)
    assert HistoryEntry.objects.filter(code="grades.grade.deleted").exists()


def test_approving_an_excuse_needs_a_reason_once_archived(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    """Approving turns absences into excused ones — a change to the archived register — so it
    goes through only with the decision's note as the documented reason."""
    types = attendance_services.attendance_types_for(world.school)
    absent = attendance_services.standard_type(types, stats.ABSENT)
    lesson = attendance_services.lesson_save(
        actor=world.user("teacher"),
        course=world.course,
        day=DAY,
        period=LessonPeriod.objects.get(school=world.school, number=1),
        topic="Ułamki",
        marks={world.student.pk: absent.pk},
        roster=[world.student],
        types=types,
    )
    mark = lesson.marks.get(student=world.student)
    excuse = attendance_services.excuse_submit(
        actor=world.user("guardian"),
        student=world.student,
        mark_ids=[mark.pk],
        reason="Chory",
        today=DAY,
    )
    principal = world.user("principal")
    with django_capture_on_commit_callbacks(execute=True):
        archive = archive_request(actor=principal, year=world.year, today=NOW.date())
    archive.refresh_from_db()
    archive_sign(actor=principal, archive=archive, pkcs12=pkcs12_file(), password=PASSWORD, now=NOW)

    homeroom = world.user("homeroom_teacher")
    with pytest.raises(ValidationError, match="is archived"):
        attendance_services.excuse_approve(actor=homeroom, excuse=excuse)
    mark.refresh_from_db()
    assert mark.type_id == absent.pk
    attendance_services.excuse_approve(
        actor=homeroom, excuse=excuse, note="Zwolnienie lekarskie doniesione po zakończeniu roku"
    )
    mark.refresh_from_db()
    assert mark.type.kind == stats.EXCUSED
