"""Who may take, see and excuse attendance — decided here and nowhere else.

Row-level rules on top of ``PERMISSIONS``: a teacher takes lessons of courses they teach,
lessons they substitute (a timetable change names them), and lessons of the class they are the
homeroom teacher of; guardians see their children, students themselves; the homeroom teacher
decides the excuses of their class. Helpers raise Http404 for "missing" and "not yours" alike.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.attendance import excuses as rules
from kajet.attendance.models import AttendanceType, Excuse, Lesson
from kajet.school.access import SCHOOL_WIDE_ROLES, roles_of, students_visible_to
from kajet.school.models import Course, LessonPeriod, SchoolClass, Student
from kajet.timetable.selectors import lessons_for_teacher

TEACHING = frozenset({Role.TEACHER, Role.HOMEROOM_TEACHER})
#: Staff who see the attendance and the excuses of every class and student of the school:
#: the principal, and the pedagogue and the psychologist who support the students.
OVERSEERS = frozenset({Role.PRINCIPAL, Role.PEDAGOGUE, Role.PSYCHOLOGIST})

PERMISSIONS: dict[str, frozenset[str]] = {
    "attendance.take": TEACHING,
    "attendance.view_family": frozenset({Role.GUARDIAN, Role.STUDENT}),
    "attendance.course_view": TEACHING,
    "attendance.class_view": frozenset({Role.HOMEROOM_TEACHER}) | OVERSEERS,
    "attendance.school_view": OVERSEERS,
    # One student's attendance and excuses, read by staff (the support staff's student card).
    "attendance.student_view": OVERSEERS,
    "excuse.submit": frozenset({Role.GUARDIAN, Role.STUDENT}),
    "excuse.decide": frozenset({Role.HOMEROOM_TEACHER}),
    "excuse.view_attachment": frozenset({Role.HOMEROOM_TEACHER}) | OVERSEERS,
    # Only the one who sent an excuse (a guardian or an adult student) withdraws it.
    "excuse.withdraw": frozenset({Role.GUARDIAN, Role.STUDENT}),
    # The attendance policy and the school-defined types: school configuration.
    "attendance.settings": frozenset({Role.SCHOOL_ADMIN}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def _substitutes(user: User, course: Course, day: datetime.date, period: LessonPeriod) -> bool:
    """Whether the timetable has the user holding this course's lesson on that day."""
    return any(
        o.course_id == course.pk and o.period_id == period.pk and o.teacher_id == user.pk
        for o in lessons_for_teacher(user, day, day)
        if o.is_held
    )


def may_take(user: User, course: Course, day: datetime.date, period: LessonPeriod) -> bool:
    if not can(user, "attendance.take"):
        return False
    if course.teacher_id == user.pk:
        return True
    if course.school_class.homeroom_teacher_id == user.pk:
        return True
    return _substitutes(user, course, day, period)


def access_lesson_slot(
    user: User, course_id: int, day: datetime.date, period_id: int
) -> tuple[Course, LessonPeriod]:
    """The course and period of a lesson the user may take on ``day``; 404 otherwise."""
    require(user, "attendance.take")
    try:
        course = Course.objects.select_related(
            "school", "subject", "school_class", "group", "teacher", "year"
        ).get(pk=course_id)
        period = LessonPeriod.objects.get(pk=period_id)
    except (Course.DoesNotExist, LessonPeriod.DoesNotExist):
        raise Http404 from None
    if not may_take(user, course, day, period):
        raise Http404
    return course, period


def access_lesson(user: User, lesson_id: int) -> Lesson:
    """A held lesson the user may edit (see ``may_take``); 404 otherwise."""
    require(user, "attendance.take")
    try:
        lesson = Lesson.objects.select_related(
            "course__school",
            "course__subject",
            "course__school_class",
            "course__group",
            "period",
            "teacher",
        ).get(pk=lesson_id)
    except Lesson.DoesNotExist:
        raise Http404 from None
    if lesson.teacher_id != user.pk and not may_take(
        user, lesson.course, lesson.date, lesson.period
    ):
        raise Http404
    return lesson


def courses_for_taking(user: User) -> QuerySet[Course]:
    """Courses the user may hold an extra lesson of: their own and their homeroom class's."""
    return (
        Course.objects.filter(year__is_current=True)
        .filter(Q(teacher=user) | Q(school_class__homeroom_teacher=user))
        .select_related("subject", "school_class", "group")
    )


def access_family_student(user: User, student_id: int) -> Student:
    """A guardian's child or the student themself; 404 otherwise."""
    require(user, "attendance.view_family")
    try:
        return students_visible_to(user).select_related("user", "school_class").get(pk=student_id)
    except Student.DoesNotExist:
        raise Http404 from None


def access_student_attendance(user: User, student_id: int) -> Student:
    """A student whose attendance and excuses the user reads as staff; 404 otherwise."""
    require(user, "attendance.student_view")
    try:
        return students_visible_to(user).select_related("user", "school_class").get(pk=student_id)
    except Student.DoesNotExist:
        raise Http404 from None


def access_class_overview(user: User, class_id: int) -> SchoolClass:
    """The homeroom teacher's own class; any class for the overseers (OVERSEERS)."""
    require(user, "attendance.class_view")
    qs = SchoolClass.objects.select_related("homeroom_teacher", "year")
    if not roles_of(user) & OVERSEERS:
        qs = qs.filter(homeroom_teacher=user)
    try:
        return qs.get(pk=class_id)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def access_course_attendance(user: User, course_id: int) -> Course:
    """A course the user teaches; 404 otherwise."""
    require(user, "attendance.course_view")
    try:
        return Course.objects.select_related("subject", "school_class", "group", "year").get(
            pk=course_id, teacher=user
        )
    except Course.DoesNotExist:
        raise Http404 from None


def excuses_visible_to(user: User) -> QuerySet[Excuse]:
    roles = roles_of(user)
    qs = Excuse.objects.all()
    if roles & (OVERSEERS | (SCHOOL_WIDE_ROLES & {Role.PSYCHOLOGIST})):
        return qs
    condition = Q(pk__in=[])
    if Role.GUARDIAN in roles:
        condition |= Q(student__guardianships__guardian=user)
    if Role.STUDENT in roles:
        condition |= Q(student__user=user)
    if Role.HOMEROOM_TEACHER in roles:
        condition |= Q(student__school_class__homeroom_teacher=user)
    return qs.filter(pk__in=Excuse.objects.filter(condition).values("pk"))


def access_excuse(user: User, excuse_id: int) -> Excuse:
    """An excuse the user submitted, is the family of, decides, or oversees; 404 otherwise."""
    try:
        return (
            excuses_visible_to(user)
            .select_related("student__user", "student__school_class", "submitted_by", "decided_by")
            .get(pk=excuse_id)
        )
    except Excuse.DoesNotExist:
        raise Http404 from None


def may_decide(user: User, excuse: Excuse) -> bool:
    return can(user, "excuse.decide") and excuse.student.school_class.homeroom_teacher_id == user.pk


def access_excuse_for_decision(user: User, excuse_id: int) -> Excuse:
    excuse = access_excuse(user, excuse_id)
    if not may_decide(user, excuse):
        raise Http404
    return excuse


def may_see_attachment(user: User, excuse: Excuse) -> bool:
    if not can(user, "excuse.view_attachment"):
        return False
    if roles_of(user) & OVERSEERS:
        return True
    return excuse.student.school_class.homeroom_teacher_id == user.pk


def may_withdraw(user: User, excuse: Excuse) -> bool:
    """The sender of a waiting excuse (see ``excuses.may_withdraw``)."""
    return can(user, "excuse.withdraw") and rules.may_withdraw(
        status=excuse.status, is_sender=excuse.submitted_by_id == user.pk
    )


def access_excuse_for_withdrawal(user: User, excuse_id: int) -> Excuse:
    """An excuse the user sent (whatever its status: the service explains a refusal);
    404 for everyone else, the other guardian and the student included."""
    require(user, "excuse.withdraw")
    excuse = access_excuse(user, excuse_id)
    if excuse.submitted_by_id != user.pk:
        raise Http404
    return excuse


def access_custom_type(user: User, type_id: int) -> AttendanceType:
    """A school-defined attendance type of the administrator's school (the standard types
    are fixed and have no page of their own); 404 otherwise."""
    require(user, "attendance.settings")
    try:
        return AttendanceType.objects.get(pk=type_id, school_id=user.school_id, is_standard=False)
    except AttendanceType.DoesNotExist:
        raise Http404 from None
