"""Page-shaped reads for the school office and administrator. Each one costs a fixed number
of queries whatever the number of rows (asserted in tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from kajet.accounts.models import Role, StaffRole, User
from kajet.core.history import history_for
from kajet.core.models import HistoryEntry
from kajet.school.models import (
    ClassGroup,
    Course,
    Guardianship,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    Term,
)

STUDENTS_PER_PAGE = 50


@dataclass(frozen=True)
class ClassKey:
    """A class as an aggregate over its students names it (``values_list(*FIELDS)``):
    enough to list and link it without reading the class again; sorts in class order."""

    pk: int
    level: int
    name: str

    FIELDS = (
        "student__school_class_id",
        "student__school_class__level",
        "student__school_class__name",
    )


def current_year(school_id: int) -> SchoolYear | None:
    return SchoolYear.objects.filter(school_id=school_id, is_current=True).first()


def classes_for_office(school_id: int) -> list[SchoolClass]:
    """Classes of the current school year (or of all years if none is current), in order."""
    qs = SchoolClass.objects.filter(school_id=school_id).select_related("year")
    current = qs.filter(year__is_current=True)
    return list(current if current.exists() else qs.order_by("-year__starts_on", "level", "name"))


def _guardians_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "guardianships",
        queryset=Guardianship.objects.select_related("guardian").order_by("guardian__login"),
    )


def student_page_for_office(
    *,
    school_id: int,
    class_id: int | None,
    query: str,
    include_former: bool,
    page: int | str | None,
    per_page: int = STUDENTS_PER_PAGE,
) -> Page[Student]:
    """A page of students (by class and class-list number) matching a name or login search,
    with their logins, classes and guardians loaded (count + page + guardians: 3 queries)."""
    qs: QuerySet[Student] = Student.objects.filter(school_id=school_id).select_related(
        "user", "school_class"
    )
    if class_id:
        qs = qs.filter(school_class_id=class_id)
    if not include_former:
        qs = qs.filter(left_on__isnull=True)
    for word in query.split()[:4]:
        qs = qs.filter(
            Q(user__first_name__fcontains=word)
            | Q(user__last_name__fcontains=word)
            | Q(user__login__istartswith=word)
            | Q(guardianships__guardian__login__istartswith=word)
        )
    if query.strip():
        qs = qs.distinct()
    qs = qs.order_by(
        "school_class__level", "school_class__name", "class_number", "user__last_name", "pk"
    ).prefetch_related(_guardians_prefetch())
    return Paginator(qs, per_page).get_page(page)


@dataclass
class StudentDetail:
    student: Student
    guardians: list[Guardianship]
    history: list[HistoryEntry]
    groups: list[ClassGroup]


def student_detail(student: Student) -> StudentDetail:
    """One student's record for the office: guardians, groups and history (3 queries)."""
    guardians = list(
        Guardianship.objects.filter(student=student)
        # Whether each guardian's login is on a Kajet account, and its last use (never the
        # account's e-mail): the school may see that much.
        .select_related("guardian", "guardian__portal_link")
        .order_by("guardian__login")
    )
    groups = list(ClassGroup.objects.filter(memberships__student=student).order_by("name"))
    return StudentDetail(
        student, guardians, history_for(object_type="student", object_id=student.pk), groups
    )


def staff_list(school_id: int) -> list[User]:
    """Staff logins of the school with their roles (2 queries), active ones first."""
    return list(
        User.objects.filter(school_id=school_id, kind=User.Kind.STAFF)
        .prefetch_related(Prefetch("role_rows", queryset=StaffRole.objects.order_by("role")))
        .order_by("-is_active", "last_name", "first_name")
    )


def teachers_of(school_id: int) -> QuerySet[User]:
    """Active staff with the teacher role (homeroom teachers and course teachers)."""
    return (
        User.objects.filter(
            school_id=school_id,
            kind=User.Kind.STAFF,
            is_active=True,
            role_rows__role=Role.TEACHER,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def structure_rows(kind: str, school_id: int) -> QuerySet[Any]:
    """The rows of one structure list page, with what the page shows loaded."""
    if kind == "year":
        return SchoolYear.objects.filter(school_id=school_id)
    if kind == "term":
        return Term.objects.filter(school_id=school_id).select_related("year")
    if kind == "period":
        return LessonPeriod.objects.filter(school_id=school_id)
    if kind == "class":
        return (
            SchoolClass.objects.filter(school_id=school_id)
            .select_related("year", "homeroom_teacher")
            .annotate(
                enrolled=Count("students", filter=Q(students__left_on__isnull=True), distinct=True)
            )
            .order_by("-year__starts_on", "level", "name")
        )
    if kind == "group":
        return (
            ClassGroup.objects.filter(school_id=school_id)
            .select_related("school_class")
            .annotate(members=Count("memberships"))
            .order_by("school_class__level", "school_class__name", "name")
        )
    if kind == "subject":
        return Subject.objects.filter(school_id=school_id)
    if kind == "course":
        return (
            Course.objects.filter(school_id=school_id)
            .select_related("year", "subject", "school_class", "group", "teacher")
            .order_by("-year__starts_on", "school_class__level", "school_class__name", "subject")
        )
    raise ValueError(kind)
