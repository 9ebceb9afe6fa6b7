"""Who may see, set and tick homework — decided here and nowhere else.

Row-level rules: a student sees the homework of their class's whole-class courses and of
their groups' courses; a guardian sees what each of their children sees; a teacher sees and
manages the homework of the courses they teach (and sees their homeroom class's homework);
school-wide roles see all. Helpers raise Http404 for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.homework.models import Homework, HomeworkAttachment
from kajet.school.access import SCHOOL_WIDE_ROLES, roles_of
from kajet.school.models import Course, Student

TEACHING_ROLES = frozenset({Role.TEACHER, Role.HOMEROOM_TEACHER})

PERMISSIONS: dict[str, frozenset[str]] = {
    # The school office and the administrator run the school's structure, not its teaching.
    "homework.view": frozenset(
        {Role.GUARDIAN, Role.STUDENT, Role.PRINCIPAL, Role.PEDAGOGUE, Role.PSYCHOLOGIST}
        | TEACHING_ROLES
    ),
    # Row level: only for a course the teacher teaches.
    "homework.manage": TEACHING_ROLES,
    # Row level: only the student themself.
    "homework.tick": frozenset({Role.STUDENT}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def courses_of_student_q(student: Student, prefix: str = "") -> Q:
    """A Q on ``<prefix>`` courses a student attends: whole-class courses of their class and
    the courses of the groups they belong to."""
    return Q(
        **{f"{prefix}school_class_id": student.school_class_id, f"{prefix}group__isnull": True}
    ) | Q(**{f"{prefix}group__memberships__student": student})


def courses_of_student(student: Student) -> QuerySet[Course]:
    return Course.objects.filter(courses_of_student_q(student)).distinct()


def homework_visible_to(user: User) -> QuerySet[Homework]:
    """Homework (not deleted) the user may see, inside the current school scope."""
    roles = roles_of(user)
    qs = Homework.objects.filter(deleted_at__isnull=True)
    if not roles & PERMISSIONS["homework.view"]:
        return qs.none()
    if roles & SCHOOL_WIDE_ROLES:
        return qs
    condition = Q(pk__in=[])
    if roles & TEACHING_ROLES:
        condition |= Q(course__teacher=user)
        condition |= Q(course__school_class__homeroom_teacher=user)
    students: list[Student] = []
    if Role.STUDENT in roles:
        students += list(Student.objects.filter(user=user))
    if Role.GUARDIAN in roles:
        students += list(Student.objects.filter(guardianships__guardian=user))
    for student in students:
        condition |= courses_of_student_q(student, "course__")
    return qs.filter(pk__in=Homework.objects.filter(condition).values("pk"))


def homework_for_student(student: Student) -> QuerySet[Homework]:
    """Homework (not deleted) set for one student's courses."""
    return Homework.objects.filter(deleted_at__isnull=True).filter(
        pk__in=Homework.objects.filter(courses_of_student_q(student, "course__")).values("pk")
    )


def access_homework(user: User, homework_id: int) -> Homework:
    """One homework the user may see, with course, subject and class loaded; 404 otherwise."""
    require(user, "homework.view")
    try:
        return (
            homework_visible_to(user)
            .select_related("course__subject", "course__school_class", "course__group", "author")
            .get(pk=homework_id)
        )
    except Homework.DoesNotExist:
        raise Http404 from None


def access_homework_for_edit(user: User, homework_id: int) -> Homework:
    """A homework of a course the user teaches; 404 for anyone else."""
    require(user, "homework.manage")
    try:
        return (
            Homework.objects.filter(deleted_at__isnull=True, course__teacher=user)
            .select_related("course__subject", "course__school_class", "course__group")
            .get(pk=homework_id)
        )
    except Homework.DoesNotExist:
        raise Http404 from None


def access_course_for_homework(user: User, course_id: int) -> Course:
    """A course of the current year the user teaches (to set homework for); 404 otherwise."""
    require(user, "homework.manage")
    try:
        return Course.objects.select_related("subject", "school_class", "group").get(
            pk=course_id, teacher=user, year__is_current=True
        )
    except Course.DoesNotExist:
        raise Http404 from None


def courses_for_homework(user: User) -> QuerySet[Course]:
    """The courses a teacher may set homework for (current year)."""
    if not can(user, "homework.manage"):
        return Course.objects.none()
    return Course.objects.filter(teacher=user, year__is_current=True).select_related(
        "subject", "school_class", "group"
    )


def access_own_student_for_homework(user: User, homework: Homework) -> Student:
    """The student ticking a homework: the user themself, and the homework must be theirs."""
    require(user, "homework.tick")
    student = Student.objects.filter(user=user).first()
    if student is None or not homework_for_student(student).filter(pk=homework.pk).exists():
        raise Http404
    return student


def access_attachment(user: User, homework_id: int, attachment_id: int) -> HomeworkAttachment:
    """An attachment of a homework the user may see; 404 otherwise."""
    homework = access_homework(user, homework_id)
    try:
        return HomeworkAttachment.objects.get(pk=attachment_id, homework=homework)
    except HomeworkAttachment.DoesNotExist:
        raise Http404 from None
