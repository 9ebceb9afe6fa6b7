"""Attendance summaries of a class and of one student."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count

from kajet.attendance import stats
from kajet.attendance.models import AttendanceMark, AttendancePolicy
from kajet.attendance.selectors import StudentStatistics as AttendanceStatistics
from kajet.attendance.selectors import marks_for_student, student_statistics
from kajet.school.models import (
    SchoolClass,
    Student,
    Term,
)


@dataclass
class AttendanceRow:
    student: Student
    summary: stats.Summary


def class_attendance(
    school_class: SchoolClass, start: datetime.date, end: datetime.date
) -> list[AttendanceRow]:
    """Each enrolled student's lessons (hours) per kind and attendance percentage in the
    range (two queries: students, one GROUP BY)."""
    students = list(
        Student.objects.filter(school_class=school_class, left_on__isnull=True)
        .select_related("user")
        .order_by("class_number", "pk")
    )
    sums: dict[int, stats.Summary] = defaultdict(stats.Summary)
    for student_id, kind, n in (
        AttendanceMark.objects.filter(
            student__school_class=school_class, lesson__date__gte=start, lesson__date__lte=end
        )
        .values_list("student_id", "type__kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        sums[student_id].add(kind, n)
    return [AttendanceRow(s, sums.get(s.pk, stats.Summary())) for s in students]


def class_total(rows: Sequence[AttendanceRow]) -> stats.Summary:
    total = stats.Summary()
    for row in rows:
        for kind, n in row.summary.counts.items():
            total.add(kind, n)
    return total


def attendance_threshold(school_id: int) -> int:
    policy = AttendancePolicy.objects.filter(school_id=school_id).first()
    return policy.threshold_percent if policy is not None else 50


def student_attendance(
    student: Student, start: datetime.date, end: datetime.date, terms: list[Term]
) -> AttendanceStatistics:
    """The student's attendance per subject and term in the range — the attendance page's
    own statistics (two queries)."""
    rows = marks_for_student(student, start, end)
    return student_statistics(rows, terms, attendance_threshold(student.school_id))
