"""The class, its students and courses: the rows every printout of a class starts from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kajet.school.models import (
    Course,
    GroupMembership,
    SchoolClass,
    Student,
)


@dataclass
class ClassData:
    """A class's enrolled students (class-list order) and courses, and which students each
    group course teaches — three queries."""

    school_class: SchoolClass
    students: list[Student]
    courses: list[Course]
    members: dict[int, set[int]]  # group id → student ids

    def courses_of(self, student: Student) -> list[Course]:
        return [
            c
            for c in self.courses
            if c.group_id is None or student.pk in self.members.get(c.group_id, set())
        ]


def class_data(school_class: SchoolClass) -> ClassData:
    students = list(
        Student.objects.filter(school_class=school_class, left_on__isnull=True)
        .select_related("user")
        .order_by("class_number", "pk")
    )
    courses = list(
        Course.objects.filter(school_class=school_class)
        .select_related("subject", "teacher", "group")
        .order_by("subject__name", "pk")
    )
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in GroupMembership.objects.filter(
        group__school_class=school_class
    ).values_list("group_id", "student_id"):
        members[group_id].add(student_id)
    return ClassData(school_class, students, courses, members)
