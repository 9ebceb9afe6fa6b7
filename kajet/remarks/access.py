"""Who may see, write, correct and acknowledge remarks — decided here and nowhere else.

Row-level rules: a guardian sees every remark about their children; a student sees their own
remarks that are marked visible to the student; a teacher sees the remarks they wrote and,
as homeroom teacher, every remark about their class; the principal, the pedagogue and the
psychologist see every remark of the school. A remark is written about a student the writer
may see (``kajet.school.access.students_visible_to``) and corrected or removed only by its
author. Helpers raise Http404 for "missing" and "not yours" alike.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kajet.accounts.models import Role, User
from kajet.attendance.models import Lesson
from kajet.remarks.models import Remark, RemarkCategory
from kajet.school.access import roles_of, students_visible_to
from kajet.school.models import SchoolClass, Student

TEACHING_ROLES = frozenset({Role.TEACHER, Role.HOMEROOM_TEACHER})
#: Staff who see every remark of the school (the school office and the administrator do not:
#: they run the school's structure, not its pupils' conduct).
SEES_ALL = frozenset({Role.PRINCIPAL, Role.PEDAGOGUE, Role.PSYCHOLOGIST})

PERMISSIONS: dict[str, frozenset[str]] = {
    "remark.view": frozenset({Role.GUARDIAN, Role.STUDENT} | TEACHING_ROLES | SEES_ALL),
    # Row level: about a student the writer may see.
    "remark.add": TEACHING_ROLES | SEES_ALL,
    # Row level: the guardian of the student.
    "remark.acknowledge": frozenset({Role.GUARDIAN}),
    # Row level: their own class.
    "remark.class_summary": frozenset({Role.HOMEROOM_TEACHER} | SEES_ALL),
    "remark.categories": frozenset({Role.SCHOOL_ADMIN}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def remarks_visible_to(user: User) -> QuerySet[Remark]:
    """Remarks (not removed) the user may see, inside the current school scope."""
    roles = roles_of(user)
    qs = Remark.objects.filter(deleted_at__isnull=True)
    if not roles & PERMISSIONS["remark.view"]:
        return qs.none()
    if roles & SEES_ALL:
        return qs
    condition = Q(pk__in=[])
    if roles & TEACHING_ROLES:
        condition |= Q(author=user)
        condition |= Q(student__school_class__homeroom_teacher=user)
    if Role.GUARDIAN in roles:
        condition |= Q(student__guardianships__guardian=user)
    if Role.STUDENT in roles:
        condition |= Q(student__user=user, visible_to_student=True)
    return qs.filter(pk__in=Remark.objects.filter(condition).values("pk"))


def remarks_of_student_for(user: User, student: Student) -> QuerySet[Remark]:
    """The remarks about one student the user may see."""
    return remarks_visible_to(user).filter(student=student)


def access_remark(user: User, remark_id: int) -> Remark:
    """One remark the user may see, with its student, category, author and lesson; 404
    otherwise."""
    require(user, "remark.view")
    try:
        return (
            remarks_visible_to(user)
            .select_related(
                "student__user",
                "student__school_class",
                "category",
                "author",
                "lesson__course__subject",
                "lesson__period",
            )
            .get(pk=remark_id)
        )
    except Remark.DoesNotExist:
        raise Http404 from None


def access_remark_for_edit(user: User, remark_id: int) -> Remark:
    """A remark the user wrote (to correct or remove); 404 for anyone else."""
    require(user, "remark.add")
    try:
        return Remark.objects.select_related("student__user", "category").get(
            pk=remark_id, author=user, deleted_at__isnull=True
        )
    except Remark.DoesNotExist:
        raise Http404 from None


def access_remark_to_acknowledge(user: User, remark_id: int) -> Remark:
    """A remark about one of the guardian's children; 404 otherwise."""
    require(user, "remark.acknowledge")
    try:
        return Remark.objects.get(
            pk=remark_id,
            deleted_at__isnull=True,
            student__guardianships__guardian=user,
        )
    except Remark.DoesNotExist:
        raise Http404 from None


def students_for_remarks(user: User) -> QuerySet[Student]:
    """Enrolled students the user may write a remark about."""
    if not can(user, "remark.add"):
        return Student.objects.none()
    return students_visible_to(user).filter(left_on__isnull=True)


def classes_for_remarks(user: User) -> QuerySet[SchoolClass]:
    """Classes of the current year with at least one student the user may write about."""
    return SchoolClass.objects.filter(
        year__is_current=True,
        pk__in=students_for_remarks(user).values("school_class_id"),
    ).order_by("level", "name")


def access_class_for_remarks(user: User, class_id: int) -> SchoolClass:
    """A class of the current year the user may write remarks in; 404 otherwise."""
    try:
        return classes_for_remarks(user).get(pk=class_id)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


#: How far back a remark may name a lesson.
LESSON_DAYS = 14


def lessons_for_remarks(user: User, class_id: int) -> QuerySet[Lesson]:
    """Lessons of the class held in the last ``LESSON_DAYS`` days a remark may name: those
    the user held (any lesson of the class for the principal, pedagogue and psychologist)."""
    since = timezone.localdate() - datetime.timedelta(days=LESSON_DAYS)
    lessons = Lesson.objects.filter(course__school_class_id=class_id, date__gte=since)
    if not roles_of(user) & SEES_ALL:
        lessons = lessons.filter(teacher=user)
    return lessons.select_related("course__subject", "period").order_by("-date", "-period__number")


def access_class_summary(user: User, class_id: int) -> SchoolClass:
    """A class whose remarks summary the user may see: the homeroom teacher's own class, any
    class for the principal, the pedagogue and the psychologist; 404 otherwise."""
    require(user, "remark.class_summary")
    qs = SchoolClass.objects.select_related("homeroom_teacher")
    if not roles_of(user) & SEES_ALL:
        qs = qs.filter(homeroom_teacher=user, year__is_current=True)
    try:
        return qs.get(pk=class_id)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def summary_classes(user: User) -> QuerySet[SchoolClass]:
    """Classes whose summary the user may open (current year)."""
    if not can(user, "remark.class_summary"):
        return SchoolClass.objects.none()
    qs = SchoolClass.objects.filter(year__is_current=True).order_by("level", "name")
    if not roles_of(user) & SEES_ALL:
        qs = qs.filter(homeroom_teacher=user)
    return qs


def access_category(user: User, category_id: int) -> RemarkCategory:
    """A category of the school for the administrator; 404 otherwise."""
    require(user, "remark.categories")
    try:
        return RemarkCategory.objects.get(pk=category_id)
    except RemarkCategory.DoesNotExist:
        raise Http404 from None
