"""The family report: one student's grades and attendance for a term."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q

from kajet.attendance.selectors import StudentStatistics as AttendanceStatistics
from kajet.grades.models import BehaviourGrade, Grade
from kajet.grades.selectors import (
    STUDENT_GRADE_FIELDS,
    StudentGrades,
    build_student_grades,
)
from kajet.grades.services import school_policy
from kajet.records.selectors.attendance import student_attendance
from kajet.records.selectors.classes import ClassData
from kajet.school.models import (
    Course,
    Student,
    Term,
)


@dataclass
class FamilyReport:
    student: Student
    term: Term | None
    grades: StudentGrades
    attendance: AttendanceStatistics
    behaviour: BehaviourGrade | None


def family_report(student: Student, term: Term | None, terms: list[Term]) -> FamilyReport:
    """A student's grades (as the family's grades page shows them) and attendance for a term
    or the year."""
    school_class = student.school_class
    data = ClassData(
        school_class,
        [student],
        list(
            Course.objects.filter(school_class=school_class)
            .filter(Q(group__isnull=True) | Q(group__memberships__student=student))
            .select_related("subject", "teacher", "group")
            .order_by("subject__name", "pk")
            .distinct()
        ),
        {},
    )
    policy = school_policy(student.school_id)
    grades = list(
        Grade.objects.filter(student=student, course__in=data.courses, deleted_at__isnull=True)
        .select_related("column__category")
        .only(*STUDENT_GRADE_FIELDS)
        .annotate(term_number=F("term__number"))
        .order_by("column__date", "created_at", "pk")
    )
    year = school_class.year
    start = term.starts_on if term is not None else year.starts_on
    end = term.ends_on if term is not None else year.ends_on
    return FamilyReport(
        student,
        term,
        build_student_grades(student, policy, data.courses, grades, None),
        student_attendance(student, start, end, [t for t in terms if term is None or t == term]),
        BehaviourGrade.objects.filter(student=student, year_id=year.pk, term=term).first(),
    )
