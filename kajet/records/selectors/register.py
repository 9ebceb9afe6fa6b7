"""The class register (dziennik lekcyjny): days, subjects and topics of a period."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from kajet.attendance.models import AttendanceMark, Lesson
from kajet.grades.models import Grade, GradeColumn
from kajet.records.selectors.classes import ClassData, class_data
from kajet.school.models import (
    Course,
    SchoolClass,
    Student,
)


@dataclass
class RegisterDay:
    """One day of the register: its lessons (period, subject, teacher, topic) and each
    student's attendance code at each of them ("" where the student has no mark)."""

    date: datetime.date
    lessons: list[Lesson]
    rows: list[tuple[Student, list[str]]]


@dataclass
class RegisterSubject:
    """One subject's grade columns in the range and each student's marks in them."""

    course: Course
    columns: list[GradeColumn]
    rows: list[tuple[Student, list[str]]]


@dataclass
class ClassRegister:
    school_class: SchoolClass
    start: datetime.date
    end: datetime.date
    students: list[Student]
    days: list[RegisterDay]
    subjects: list[RegisterSubject]


def _register_days(data: ClassData, start: datetime.date, end: datetime.date) -> list[RegisterDay]:
    lessons = list(
        Lesson.objects.filter(
            course__school_class=data.school_class, date__gte=start, date__lte=end
        )
        .select_related("course__subject", "course__group", "teacher", "period")
        .order_by("date", "period__number", "pk")
    )
    codes: dict[tuple[int, int], str] = {
        (lesson_id, student_id): code
        for lesson_id, student_id, code in AttendanceMark.objects.filter(
            lesson__course__school_class=data.school_class,
            lesson__date__gte=start,
            lesson__date__lte=end,
        ).values_list("lesson_id", "student_id", "type__code")
    }
    by_day: dict[datetime.date, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_day[lesson.date].append(lesson)
    days = []
    for day, day_lessons in by_day.items():
        rows = [
            (s, [codes.get((lesson.pk, s.pk), "") for lesson in day_lessons]) for s in data.students
        ]
        days.append(RegisterDay(day, day_lessons, rows))
    return days


def _mark_cell(texts: list[tuple[str, int | None, int]]) -> str:
    """A cell of the grade table: the marks, a correction after its original in brackets."""
    corrections = {corrects: text for text, corrects, _pk in texts if corrects is not None}
    parts = []
    for text, corrects, pk in texts:
        if corrects is not None:
            continue
        parts.append(f"{text} ({corrections[pk]})" if pk in corrections else text)
    return " ".join(parts)


def _register_subjects(
    data: ClassData,
    start: datetime.date,
    end: datetime.date,
    courses: list[Course] | None = None,
) -> list[RegisterSubject]:
    """The grade tables of ``courses`` (every course of the class when None)."""
    courses = data.courses if courses is None else courses
    columns = list(
        GradeColumn.objects.filter(
            course__school_class=data.school_class,
            course__in=[c.pk for c in courses],
            date__gte=start,
            date__lte=end,
        )
        .select_related("category")
        .order_by("date", "pk")
    )
    marks: dict[tuple[int, int], list[tuple[str, int | None, int]]] = defaultdict(list)
    for column_id, student_id, text, descriptive, corrects_id, pk in (
        Grade.objects.filter(column__in=[c.pk for c in columns], deleted_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("column_id", "student_id", "text", "descriptive", "corrects_id", "pk")
    ):
        # A comment on a text scale has no mark: the register shows the comment's start.
        shown = text or (descriptive[:30] + ("…" if len(descriptive) > 30 else ""))
        marks[(column_id, student_id)].append((shown, corrects_id, pk))
    by_course: dict[int, list[GradeColumn]] = defaultdict(list)
    for column in columns:
        by_course[column.course_id].append(column)
    subjects = []
    for course in courses:
        own = by_course.get(course.pk, [])
        taught = [s for s in data.students if course in data.courses_of(s)]
        rows = [(s, [_mark_cell(marks.get((c.pk, s.pk), [])) for c in own]) for s in taught]
        subjects.append(RegisterSubject(course, own, rows))
    return subjects


def class_register(
    school_class: SchoolClass, start: datetime.date, end: datetime.date
) -> ClassRegister:
    """The class register for a date range: per day the lessons held (date, period,
    subject, teacher, topic) and every student's attendance; per subject the grade columns
    of the range with each student's marks. Seven queries, whatever the size."""
    data = class_data(school_class)
    return ClassRegister(
        school_class,
        start,
        end,
        data.students,
        _register_days(data, start, end),
        _register_subjects(data, start, end),
    )


@dataclass
class RegisterPart:
    """One step of a class register rendered in parts (its own PDF): some school days, or
    some subjects' grade tables. ``first`` carries the title; ``days_heading`` and
    ``subjects_heading`` open the two sections."""

    register: ClassRegister
    first: bool
    days_heading: bool
    subjects_heading: bool


@dataclass
class RegisterPlan:
    """A class register split into parts: ``total`` parts, made one at a time by
    :func:`register_parts` with a fixed number of queries each."""

    data: ClassData
    start: datetime.date
    end: datetime.date
    day_groups: list[list[datetime.date]]
    course_groups: list[list[Course]]

    @property
    def total(self) -> int:
        return max(1, len(self.day_groups)) + len(self.course_groups)


def register_plan(
    school_class: SchoolClass,
    start: datetime.date,
    end: datetime.date,
    *,
    days_per_part: int = 5,
    courses_per_part: int = 4,
) -> RegisterPlan:
    """Plan the class register of a range in parts: the school days with lessons in groups
    of ``days_per_part``, then the courses in groups of ``courses_per_part``. The class's
    students and courses are read once here (``class_data``) plus one query for the days."""
    data = class_data(school_class)
    dates = sorted(
        set(
            Lesson.objects.filter(
                course__school_class=school_class, date__gte=start, date__lte=end
            ).values_list("date", flat=True)
        )
    )
    day_groups = [dates[i : i + days_per_part] for i in range(0, len(dates), days_per_part)]
    courses = list(data.courses)
    course_groups = [
        courses[i : i + courses_per_part] for i in range(0, len(courses), courses_per_part)
    ]
    return RegisterPlan(data, start, end, day_groups, course_groups)


def register_parts(plan: RegisterPlan) -> Iterator[RegisterPart]:
    """The parts of a planned register, in order. Each part runs two queries (the lessons
    and their marks of its days, or the grade columns and marks of its courses) whatever
    the number of students, lessons or marks; nothing of earlier parts is kept."""
    data = plan.data

    def register(days: list[RegisterDay], subjects: list[RegisterSubject]) -> ClassRegister:
        return ClassRegister(data.school_class, plan.start, plan.end, data.students, days, subjects)

    for index, group in enumerate(plan.day_groups or [[]]):
        days = _register_days(data, group[0], group[-1]) if group else []
        yield RegisterPart(register(days, []), index == 0, index == 0, False)
    for index, courses in enumerate(plan.course_groups):
        subjects = _register_subjects(data, plan.start, plan.end, courses)
        yield RegisterPart(register([], subjects), False, False, index == 0)
