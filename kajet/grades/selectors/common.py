"""Reads shared by the grades selectors and services: the school's policy, a course's
students and the history object types."""

from __future__ import annotations

from kajet.grades.models import (
    GradingPolicy,
    policy_from_row,
)
from kajet.grades.scale import Policy
from kajet.school.models import Course, GroupMembership, Student

GRADE = "grades.grade"


BEHAVIOUR = "grades.behaviour"


def school_policy(school_id: int) -> Policy:
    """The school's grading policy (defaults when it has none yet) — one query."""
    return policy_from_row(GradingPolicy.objects.filter(school_id=school_id).first())


def course_students(course: Course) -> list[Student]:
    """The enrolled students a course teaches, in class-list order (one query)."""
    qs = Student.objects.filter(left_on__isnull=True).select_related("user")
    if course.group_id is not None:
        qs = qs.filter(
            pk__in=GroupMembership.objects.filter(group_id=course.group_id).values("student_id")
        )
    else:
        qs = qs.filter(school_class_id=course.school_class_id)
    return list(qs.order_by("class_number", "id"))
