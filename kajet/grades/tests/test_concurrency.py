"""Two teachers save the same mark: the later save, holding a stale version, is refused with
a conflict and the first save stays. On PostgreSQL with two real concurrent transactions."""

from __future__ import annotations

import pytest

from kajet.core.models import HistoryEntry
from kajet.grades import services
from kajet.grades.models import Grade
from kajet.grades.tests.helpers import category, column, mark
from kajet.testutils.concurrency import race
from kajet.testutils.factories import SchoolWorld


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_mark(world: SchoolWorld) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "3")
    teacher = world.user("teacher")

    def second_read() -> Grade:
        theirs = Grade.objects.get(pk=grade.pk)  # still reads version 1 (uncommitted)
        assert theirs.version == 1
        return theirs

    outcome = race(
        first_write=lambda: services.grade_update(
            actor=teacher, grade=Grade.objects.get(pk=grade.pk), text="4", comment="", version=1
        ),
        second_read=second_read,
        second_write=lambda theirs: services.grade_update(
            actor=teacher, grade=theirs, text="2", comment="", version=1
        ),
        conflict=services.GradeConflict,
    )
    assert outcome.first == "saved"
    conflict = outcome.second
    assert isinstance(conflict, services.GradeConflict), conflict
    assert outcome.waited >= 0.3  # it really waited for the first transaction
    assert isinstance(conflict.current, Grade) and conflict.current.text == "4"
    grade.refresh_from_db()
    assert (grade.text, grade.version) == ("4", 2)
    assert HistoryEntry.objects.filter(code="grades.grade.changed").count() == 1


@pytest.mark.django_db
def test_stale_version_on_any_database(world: SchoolWorld) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "3")
    teacher = world.user("teacher")
    services.grade_update(actor=teacher, grade=grade, text="5", comment="", version=1)
    with pytest.raises(services.GradeConflict):
        services.grade_delete(actor=teacher, grade=grade, reason="x", version=1)
    grade.refresh_from_db()
    assert grade.deleted_at is None and grade.text == "5"
