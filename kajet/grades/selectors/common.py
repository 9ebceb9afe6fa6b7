"""Reads shared by the grades selectors and services: the school's policy, a course's
students and the history object types."""

from __future__ import annotations

from kajet.grades.mark_scales import Assignment, choose_scale
from kajet.grades.models import (
    GradingPolicy,
    MarkScale,
    MarkScaleAssignment,
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


def course_scale(course: Course) -> MarkScale | None:
    """The scale a course's new marks are entered on (None: the standard scale) — one
    query (the school's assignments with their scales); the rule is
    ``mark_scales.choose_scale``. Needs ``course.school_class`` and ``course.subject``."""
    rows = list(MarkScaleAssignment.objects.select_related("scale"))
    chosen = choose_scale(
        (Assignment(r.scale_id, r.level, r.subject_id) for r in rows),
        level=course.school_class.level,
        subject_id=course.subject_id,
        subject_name=course.subject.name,
    )
    return next((r.scale for r in rows if r.scale_id == chosen), None)
