"""Register changes made through the real services, for the history pages' tests."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from kajet.attendance import services as attendance_services
from kajet.attendance import stats
from kajet.attendance.selectors import roster_for
from kajet.attendance.tests.helpers import period, recent_weekday
from kajet.grades.models import Grade, GradeCategory
from kajet.grades.services.marks import Cell, column_add, grade_update
from kajet.grades.services.term import TermGradeInput, term_grades_set
from kajet.school.models import Course, Student
from kajet.testutils.factories import CourseFactory, SchoolWorld, StudentFactory, SubjectFactory
from kajet.timetable.models import Event
from kajet.timetable.services.calendar import event_add

DAY = datetime.date(2026, 11, 16)


def category(world: SchoolWorld) -> GradeCategory:
    found, _ = GradeCategory.objects.get_or_create(
        school=world.school, name="Sprawdzian", defaults={"weight": Decimal(3)}
    )
    return found


def marks(world: SchoolWorld, course: Course, texts: dict[int, str], actor: Any) -> list[Grade]:
    _, grades = column_add(
        actor=actor,
        course=course,
        term=world.term,
        category=category(world),
        date=DAY,
        cells=[Cell(pk, text) for pk, text in texts.items()],
    )
    return grades


def attendance(world: SchoolWorld, absent: list[Student], number: int = 1) -> None:
    """A lesson saved with everyone present, then saved again with ``absent`` absent (one
    ``attendance.mark.changed`` per absent student)."""
    course = Course.objects.select_related("school").get(pk=world.course.pk)
    day = recent_weekday()
    roster = roster_for(course, day)
    types = attendance_services.attendance_types_for(world.school)
    absent_type = attendance_services.standard_type(types, stats.ABSENT)
    lesson = attendance_services.lesson_save(
        actor=world.user("teacher"),
        course=course,
        day=day,
        period=period(course, number),
        topic="Ułamki zwykłe",
        marks={},
        roster=roster,
        types=types,
    )
    attendance_services.lesson_save(
        actor=world.user("teacher"),
        course=course,
        day=day,
        period=period(course, number),
        topic="Ułamki zwykłe",
        marks={s.pk: absent_type.pk for s in absent},
        roster=roster,
        types=types,
        lesson=lesson,
    )


def register_changes(world: SchoolWorld) -> dict[str, Any]:
    """World A's register with history of every kind the family and the principal see:
    a mark added then changed (6b, Matematyka, by the teacher), a mark of the other class
    (2a, Historia, by the homeroom teacher), an absence, a final term grade and a trip."""
    teacher = world.user("teacher")
    homeroom = world.user("homeroom_teacher")
    grade = marks(world, world.course, {world.student.pk: "3"}, teacher)[0]
    grade_update(actor=teacher, grade=grade, text="4+", comment="poprawa", version=grade.version)
    history = SubjectFactory(school=world.school, name="Historia", short_name="HIS")
    other_course = CourseFactory(
        school=world.school,
        school_class=world.other_class,
        subject=history,
        teacher=homeroom,
    )
    marks(world, other_course, {world.other_student.pk: "2"}, homeroom)
    attendance(world, [world.student])
    term_grades_set(
        actor=teacher,
        course=world.course,
        kind=Grade.Kind.FINAL_TERM,
        term=world.term,
        rows=[TermGradeInput(world.student.pk, "5")],
    )
    event = event_add(
        school=world.school,
        actor=world.user("principal"),
        kind=Event.Kind.TRIP,
        scope=Event.Scope.CLASSES,
        title="Wycieczka do Krakowa",
        starts_on=datetime.date(2026, 12, 18),
        today=datetime.date(2026, 12, 1),
        classes=[world.school_class],
    )
    return {"grade": grade, "history": history, "other_course": other_course, "event": event}


def many_students(world: SchoolWorld, n: int) -> list[Student]:
    return [StudentFactory(school_class=world.school_class, class_number=10 + i) for i in range(n)]
