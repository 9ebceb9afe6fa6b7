"""Builders for the printouts' tests: a class with lessons, attendance, marks and final
grades, and reading the text of a PDF (pypdf)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from django.test import Client, TestCase
from django.urls import reverse
from pypdf import PdfReader

from kajet.attendance import services as attendance_services
from kajet.attendance import stats
from kajet.attendance.models import AttendanceMark, Lesson
from kajet.grades.models import BehaviourGrade, Grade, GradeCategory, GradeColumn
from kajet.school.models import Course, LessonPeriod, SchoolClass, Student
from kajet.testutils.factories import CourseFactory, SchoolWorld, StudentFactory

DAY = datetime.date(2026, 11, 16)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def printed(client: Client, url: str, data: dict[str, str] | None = None) -> bytes:
    """Ask for a printout made in the background (POST), let its job run (the commit's
    callbacks, as the embedded default does after the request's commit), follow the
    redirect to the job's page and download the PDF."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data or {})
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    assert page.status_code == 200
    job_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    download = client.get(reverse("records:print_job_file", args=[job_id]))
    assert download.status_code == 200, page.content.decode()
    assert download["Content-Type"] == "application/pdf"
    return b"".join(download.streaming_content)  # type: ignore[attr-defined]


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def add_students(school_class: SchoolClass, n: int, start: int = 2) -> list[Student]:
    return [StudentFactory(school_class=school_class, class_number=start + i) for i in range(n)]


def students_of(school_class: SchoolClass) -> list[Student]:
    return list(Student.objects.filter(school_class=school_class).order_by("class_number"))


def lesson(
    course: Course, day: datetime.date, number: int, topic: str, kinds: dict[int, str]
) -> Lesson:
    types = attendance_services.attendance_types_for(course.school)
    held = Lesson.objects.create(
        school=course.school,
        course=course,
        date=day,
        period=LessonPeriod.objects.get(school=course.school, number=number),
        topic=topic,
        teacher=course.teacher,
    )
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            school=course.school,
            lesson=held,
            student_id=student_id,
            type=attendance_services.standard_type(types, kind),
        )
        for student_id, kind in kinds.items()
    )
    return held


def column_with_marks(
    course: Course, term: Any, marks: dict[int, str], day: datetime.date = DAY
) -> GradeColumn:
    category, _ = GradeCategory.objects.get_or_create(
        school=course.school, name="Sprawdzian", defaults={"weight": Decimal(3)}
    )
    column = GradeColumn.objects.create(
        school=course.school, course=course, term=term, category=category, date=day
    )
    for student_id, text in marks.items():
        Grade.objects.create(
            school=course.school,
            student_id=student_id,
            course=course,
            term=term,
            column=column,
            text=text,
            value=Decimal(text[0]),
        )
    return column


def final_annual(course: Course, student: Student, value: int) -> Grade:
    return Grade.objects.create(
        school=course.school,
        student=student,
        course=course,
        kind=Grade.Kind.FINAL_ANNUAL,
        text=str(value),
        value=Decimal(value),
    )


def annual_behaviour(student: Student, value: int) -> BehaviourGrade:
    return BehaviourGrade.objects.create(
        school=student.school, student=student, year=student.school_class.year, value=value
    )


def fill_class(world: SchoolWorld, extra_students: int = 2) -> dict[str, Any]:
    """World A's class 6b with more students, a second subject, two lessons with
    attendance, a grade column and everyone's final annual grades and behaviour."""
    school_class = world.school_class
    add_students(school_class, extra_students)
    students = students_of(school_class)
    polish = CourseFactory(
        school=world.school,
        school_class=school_class,
        subject__name="Język polski",
        subject__short_name="POL",
        teacher=world.user("teacher"),
    )
    kinds = {s.pk: stats.PRESENT for s in students}
    kinds[students[0].pk] = stats.ABSENT
    lesson(world.course, DAY, 1, "Ułamki zwykłe", kinds)
    lesson(polish, DAY, 2, "Pan Tadeusz — inwokacja", {s.pk: stats.PRESENT for s in students})
    column_with_marks(world.course, world.term, {s.pk: "5" for s in students})
    for student in students:
        final_annual(world.course, student, 5)
        final_annual(polish, student, 5)
        annual_behaviour(student, 5)
    return {"students": students, "polish": polish}
