"""Small builders for grades tests (kept here, not in the shared factories)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from kajet.grades.models import Grade, GradeCategory, GradeColumn
from kajet.grades.scale import Policy, parse_mark
from kajet.school.models import Course, Student, Term


def category(school: Any, name: str = "Sprawdzian", weight: str = "3", **kw: Any) -> GradeCategory:
    return GradeCategory.objects.create(school=school, name=name, weight=Decimal(weight), **kw)


def column(course: Course, term: Term, cat: GradeCategory, **kw: Any) -> GradeColumn:
    kw.setdefault("date", datetime.date(2026, 10, 1))
    return GradeColumn.objects.create(
        school=course.school, course=course, term=term, category=cat, **kw
    )


def mark(col: GradeColumn, student: Student, text: str, **kw: Any) -> Grade:
    parsed = parse_mark(text, Policy())
    return Grade.objects.create(
        school=col.school,
        student=student,
        course=col.course,
        term=col.term,
        column=col,
        text=parsed.text,
        value=parsed.value,
        created_by=col.course.teacher,
        **kw,
    )
