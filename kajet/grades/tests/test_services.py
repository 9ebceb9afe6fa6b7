"""Services: all-or-nothing columns, versions and conflicts, corrections, deletions, term
grades, history and notifications."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from kajet.core.models import HistoryEntry
from kajet.grades import services
from kajet.grades.models import Grade, GradeColumn
from kajet.grades.tests.helpers import category, column, mark
from kajet.notifications.models import Notification
from kajet.testutils.factories import SchoolWorld, StudentFactory, guardian_for

DAY = datetime.date(2026, 10, 5)


def add_students(world: SchoolWorld, count: int) -> list[Any]:
    return [
        StudentFactory(school_class=world.school_class, class_number=10 + i) for i in range(count)
    ]


def test_column_add_saves_marks_history_and_notifies(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    cat = category(world.school)
    teacher = world.user("teacher")
    with django_capture_on_commit_callbacks(execute=True):
        col, grades = services.column_add(
            actor=teacher,
            course=world.course,
            term=world.term,
            category=cat,
            date=DAY,
            description="Ułamki",
            cells=[services.Cell(world.student.pk, " 5+ ", "brawo")],
        )
    assert [(g.text, g.value, g.comment) for g in grades] == [("5+", Decimal("5.5"), "brawo")]
    entry = HistoryEntry.objects.get(object_type="grades.grade", object_id=grades[0].pk)
    assert entry.code == "grades.grade.created" and entry.actor == teacher
    assert entry.old is None and entry.new["text"] == "5+"
    told = set(Notification.objects.filter(kind="grade").values_list("user_id", flat=True))
    assert told == {world.student.user_id, world.user("guardian").pk}
    assert col.description == "Ułamki"


def test_column_add_is_all_or_nothing(world: SchoolWorld) -> None:
    others = add_students(world, 3)
    cells = [
        services.Cell(world.student.pk, "5"),
        services.Cell(others[0].pk, "4-"),
        services.Cell(others[1].pk, "7"),  # wrong
        services.Cell(others[2].pk, ""),  # skipped
        services.Cell(world.other_student.pk, "3"),  # not in the course
    ]
    with pytest.raises(services.ColumnInvalid) as caught:
        services.column_add(
            actor=world.user("teacher"),
            course=world.course,
            term=world.term,
            category=category(world.school),
            date=DAY,
            cells=cells,
        )
    assert set(caught.value.errors) == {others[1].pk, world.other_student.pk}
    assert "7" in caught.value.errors[others[1].pk]
    assert not GradeColumn.objects.exists()
    assert not Grade.objects.exists()
    assert not HistoryEntry.objects.exists()


def test_column_of_30_marks_is_one_transaction_with_few_queries(
    world: SchoolWorld, django_assert_max_num_queries: Any
) -> None:
    students = add_students(world, 29) + [world.student]
    for s in students[:10]:
        guardian_for(s, login=f"g{s.pk}")
    cat = category(world.school)
    cells = [
        services.Cell(s.pk, ["5", "4+", "3-", "np", "6"][i % 5]) for i, s in enumerate(students)
    ]
    # students, policy, column, marks, history, guardians: one transaction, at most 10.
    with django_assert_max_num_queries(10):
        _col, grades = services.column_add(
            actor=world.user("teacher"),
            course=world.course,
            term=world.term,
            category=cat,
            date=DAY,
            cells=cells,
        )
    assert len(grades) == 30
    assert HistoryEntry.objects.filter(code="grades.grade.created").count() == 30


def test_update_checks_the_version(world: SchoolWorld) -> None:
    col = column(world.course, world.term, category(world.school))
    grade = mark(col, world.student, "3")
    teacher = world.user("teacher")
    services.grade_update(actor=teacher, grade=grade, text="4", comment="", version=1)
    stale = Grade.objects.get(pk=grade.pk)
    stale.version = 1  # what a second teacher saw before the first save
    with pytest.raises(services.GradeConflict) as caught:
        services.grade_update(actor=teacher, grade=stale, text="2", comment="x", version=1)
    assert isinstance(caught.value.current, Grade)
    assert caught.value.current.text == "4" and caught.value.current.version == 2
    grade.refresh_from_db()
    assert (grade.text, grade.version) == ("4", 2)
    codes = [(h.code, h.old["text"], h.new["text"]) for h in HistoryEntry.objects.all()]
    assert codes == [("grades.grade.changed", "3", "4")]


def test_update_rejects_a_wrong_mark(world: SchoolWorld) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "3")
    with pytest.raises(services.GradeError):
        services.grade_update(
            actor=world.user("teacher"), grade=grade, text="9", comment="", version=1
        )
    grade.refresh_from_db()
    assert grade.text == "3" and grade.version == 1


def test_correct_links_and_refuses_twice(world: SchoolWorld) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "1")
    teacher = world.user("teacher")
    correction = services.grade_correct(actor=teacher, grade=grade, text="4")
    assert correction.corrects_id == grade.pk and correction.column_id == grade.column_id
    assert HistoryEntry.objects.get(object_id=correction.pk).code == "grades.grade.corrected"
    with pytest.raises(services.GradeError):
        services.grade_correct(actor=teacher, grade=grade, text="5")
    with pytest.raises(services.GradeError):
        services.grade_correct(actor=teacher, grade=correction, text="5")


def test_delete_needs_a_reason_and_keeps_the_row(world: SchoolWorld) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "2")
    teacher = world.user("teacher")
    with pytest.raises(services.GradeError):
        services.grade_delete(actor=teacher, grade=grade, reason="  ", version=1)
    services.grade_delete(actor=teacher, grade=grade, reason="pomyłka", version=1)
    grade.refresh_from_db()
    assert grade.deleted_at is not None and grade.delete_reason == "pomyłka"
    entry = HistoryEntry.objects.get(code="grades.grade.deleted")
    assert entry.old["text"] == "2" and entry.new["reason"] == "pomyłka"


def test_term_grades_whole_descriptive_and_stale(world: SchoolWorld) -> None:
    teacher = world.user("teacher")
    rows = [services.TermGradeInput(world.student.pk, "5")]
    [grade] = services.term_grades_set(
        actor=teacher,
        course=world.course,
        kind=Grade.Kind.PROPOSED_TERM,
        term=world.term,
        rows=rows,
    )
    assert grade.value == Decimal(5) and grade.in_words.startswith("very good")
    with pytest.raises(services.ColumnInvalid) as caught:
        services.term_grades_set(
            actor=teacher,
            course=world.course,
            kind=Grade.Kind.PROPOSED_TERM,
            term=world.term,
            rows=[services.TermGradeInput(world.student.pk, "4+", version=1)],
        )
    assert world.student.pk in caught.value.errors
    with pytest.raises(services.ColumnInvalid):  # a stale version
        services.term_grades_set(
            actor=teacher,
            course=world.course,
            kind=Grade.Kind.PROPOSED_TERM,
            term=world.term,
            rows=[services.TermGradeInput(world.student.pk, "4", version=None)],
        )
    services.term_grades_set(
        actor=teacher,
        course=world.course,
        kind=Grade.Kind.PROPOSED_TERM,
        term=world.term,
        rows=[services.TermGradeInput(world.student.pk, "4", version=1)],
    )
    grade.refresh_from_db()
    assert (grade.text, grade.version) == ("4", 2)
    annual = services.term_grades_set(
        actor=teacher,
        course=world.course,
        kind=Grade.Kind.FINAL_ANNUAL,
        term=world.term,  # ignored: annual grades have no term
        rows=[services.TermGradeInput(world.student.pk, "6")],
    )
    assert annual[0].term_id is None
    codes = list(HistoryEntry.objects.values_list("code", flat=True))
    assert codes == [
        "grades.term_grade.created",
        "grades.term_grade.changed",
        "grades.term_grade.created",
    ]


def test_descriptive_grades_for_early_levels(world: SchoolWorld) -> None:
    world.school_class.level = 2
    world.school_class.save()
    [grade] = services.term_grades_set(
        actor=world.user("teacher"),
        course=world.course,
        kind=Grade.Kind.FINAL_TERM,
        term=world.term,
        rows=[services.TermGradeInput(world.student.pk, "", descriptive="Czyta płynnie.")],
    )
    assert grade.descriptive == "Czyta płynnie." and grade.value is None


def test_religion_is_graded_with_marks_in_early_levels(world: SchoolWorld) -> None:
    world.school_class.level = 2
    world.school_class.save()
    world.subject.name = "Religia"
    world.subject.save()
    [grade] = services.term_grades_set(
        actor=world.user("teacher"),
        course=world.course,
        kind=Grade.Kind.FINAL_TERM,
        term=world.term,
        rows=[services.TermGradeInput(world.student.pk, "5")],
    )
    assert (grade.text, grade.value, grade.descriptive) == ("5", Decimal(5), "")


def test_behaviour_grades(world: SchoolWorld) -> None:
    homeroom = world.user("homeroom_teacher")
    rows = [services.BehaviourInput(world.student.pk, 6)]
    assert (
        services.behaviour_grades_set(
            actor=homeroom, school_class=world.school_class, term=world.term, rows=rows
        )
        == 1
    )
    with pytest.raises(services.ColumnInvalid):
        services.behaviour_grades_set(
            actor=homeroom,
            school_class=world.school_class,
            term=world.term,
            rows=[services.BehaviourInput(world.student.pk, 9, version=1)],
        )
    assert HistoryEntry.objects.filter(code="grades.behaviour.set").count() == 1


def test_a_changed_or_deleted_mark_tells_the_family(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "3")
    teacher = world.user("teacher")
    family = {world.student.user_id, world.user("guardian").pk}

    def told() -> dict[int, str]:
        return dict(Notification.objects.filter(kind="grade").values_list("user_id", "title"))

    with django_capture_on_commit_callbacks(execute=True):
        services.grade_update(actor=teacher, grade=grade, text="3", comment="ok", version=1)
    assert told() == {}  # a comment alone is not news
    with django_capture_on_commit_callbacks(execute=True):
        services.grade_update(actor=teacher, grade=grade, text="4", comment="ok", version=2)
    assert set(told()) == family
    assert set(told().values()) == {"Grade changed in Matematyka: 3 → 4"}
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.grade_delete(actor=teacher, grade=grade, reason="pomyłka", version=3)
    assert set(told()) == family
    assert set(told().values()) == {"Grade deleted in Matematyka: 4"}
