"""Small builders for attendance tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kajet.attendance import services, stats
from kajet.attendance.models import AttendanceMark, Lesson
from kajet.school.models import Course, LessonPeriod, Student


def recent_weekday(days_ago: int = 1) -> datetime.date:
    """A school day ``days_ago`` or a little more before today."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def period(course: Course, number: int = 1) -> LessonPeriod:
    return LessonPeriod.objects.get(school=course.school, number=number)


def held_lesson(
    course: Course,
    day: datetime.date,
    *,
    number: int = 1,
    kinds: dict[Student, str] | None = None,
    teacher: Any = None,
) -> tuple[Lesson, dict[int, AttendanceMark]]:
    """A held lesson with a mark per given student (base kind → the standard type)."""
    types = services.attendance_types_for(course.school)
    lesson = Lesson.objects.create(
        school=course.school,
        course=course,
        date=day,
        period=period(course, number),
        topic="Ułamki",
        teacher=teacher or course.teacher,
    )
    marks = {}
    for student, kind in (kinds or {}).items():
        marks[student.pk] = AttendanceMark.objects.create(
            school=course.school,
            lesson=lesson,
            student=student,
            type=services.standard_type(types, kind),
        )
    return lesson, marks


def absent(course: Course, student: Student, day: datetime.date, number: int = 1) -> AttendanceMark:
    _, marks = held_lesson(course, day, number=number, kinds={student: stats.ABSENT})
    return marks[student.pk]
