"""Who may see and do what in the timetable and the calendar — decided here only.

``PERMISSIONS`` is the matrix as data (action → roles); row-level rules (which class, which
event) sit in the ``access_*`` helpers, which raise Http404 for "missing" and "not yours"
alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.school.access import SCHOOL_WIDE_ROLES, roles_of
from kajet.school.models import ClassGroup, Course, GroupMembership, SchoolClass, Student
from kajet.timetable.models import Event, LessonChange, Room, TimetableEntry, TimetablePlan

STAFF_TEACHING = frozenset({Role.TEACHER, Role.HOMEROOM_TEACHER})
FAMILY = frozenset({Role.GUARDIAN, Role.STUDENT})
ALL_ROLES = frozenset(Role.values)

PERMISSIONS: dict[str, frozenset[str]] = {
    # the signed-in user's own week (a family member's student, a teacher's lessons)
    "timetable.view_own": FAMILY | STAFF_TEACHING,
    # any class's, teacher's or room's week
    "timetable.view_school": STAFF_TEACHING | SCHOOL_WIDE_ROLES,
    # plan versions, the class grid, rooms
    "timetable.manage": frozenset({Role.SCHOOL_ADMIN}),
    # substitutions, cancellations, moves
    "timetable.changes": frozenset({Role.SCHOOL_ADMIN, Role.PRINCIPAL}),
    "calendar.view": ALL_ROLES,
    # tests, quizzes, trips… for the classes/groups the teacher teaches or leads
    "calendar.add": STAFF_TEACHING
    | frozenset({Role.PRINCIPAL, Role.SCHOOL_ADMIN, Role.SECRETARIAT}),
    # whole-school events, days off, teachers' absences, any class; removing others' events
    "calendar.manage": frozenset({Role.PRINCIPAL, Role.SCHOOL_ADMIN, Role.SECRETARIAT}),
    "calendar.policy": frozenset({Role.SCHOOL_ADMIN}),
    "lucky.view": ALL_ROLES,
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    """404 for a role that may not do ``action`` (it does not learn the page exists)."""
    if not can(user, action):
        raise Http404


def access_class(user: User, class_id: int) -> SchoolClass:
    """A class of the user's school whose week the user may view."""
    require(user, "timetable.view_school")
    try:
        return SchoolClass.objects.select_related("year", "homeroom_teacher").get(pk=class_id)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def access_teacher(user: User, teacher_id: int) -> User:
    """A staff member of the user's school whose week the user may view."""
    require(user, "timetable.view_school")
    try:
        return User.objects.get(pk=teacher_id, school_id=user.school_pk, kind=User.Kind.STAFF)
    except User.DoesNotExist:
        raise Http404 from None


def access_room(user: User, room_id: int) -> Room:
    require(user, "timetable.view_school")
    try:
        return Room.objects.get(pk=room_id)
    except Room.DoesNotExist:
        raise Http404 from None


def access_plan(user: User, plan_id: int) -> TimetablePlan:
    """A plan version, for the administrator."""
    require(user, "timetable.manage")
    try:
        return TimetablePlan.objects.select_related("year").get(pk=plan_id)
    except TimetablePlan.DoesNotExist:
        raise Http404 from None


def access_manage_class(user: User, class_id: int) -> SchoolClass:
    require(user, "timetable.manage")
    try:
        return SchoolClass.objects.select_related("year").get(pk=class_id)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def access_entry_for_change(user: User, entry_id: int) -> TimetableEntry:
    """A timetable entry whose lessons the user may change."""
    require(user, "timetable.changes")
    try:
        return TimetableEntry.objects.select_related(
            "plan__year",
            "period",
            "room",
            "course__subject",
            "course__teacher",
            "course__school_class",
            "course__group",
        ).get(pk=entry_id)
    except TimetableEntry.DoesNotExist:
        raise Http404 from None


def access_change(user: User, change_id: int) -> LessonChange:
    require(user, "timetable.changes")
    try:
        return LessonChange.objects.select_related("entry__course__subject").get(pk=change_id)
    except LessonChange.DoesNotExist:
        raise Http404 from None


def events_visible_q(user: User, student: Student | None) -> Q:
    """The condition for events ``user`` may see (for a family member: about ``student``)."""
    roles = roles_of(user)
    if roles & SCHOOL_WIDE_ROLES:
        return Q()
    condition = Q(pk__in=[])
    if roles & FAMILY and student is not None:
        groups = GroupMembership.objects.filter(student_id=student.pk).values("group_id")
        condition |= (
            Q(scope=Event.Scope.SCHOOL)
            | Q(scope=Event.Scope.CLASSES, classes=student.school_class_id)
            | Q(scope=Event.Scope.GROUP, group_id__in=groups)
        )
    if roles & STAFF_TEACHING:
        from kajet.timetable.selectors import teacher_event_condition

        condition |= teacher_event_condition(user.pk)
    return condition


def access_event(user: User, event_id: int, student: Student | None = None) -> Event:
    """An event the user may see (a family member: one concerning ``student``)."""
    require(user, "calendar.view")
    qs = Event.objects.filter(events_visible_q(user, student)).distinct()
    try:
        return qs.select_related(
            "period", "course__subject", "course__school_class", "group", "teacher", "author"
        ).get(pk=event_id)
    except Event.DoesNotExist:
        raise Http404 from None


def access_removed_event(user: User, event_id: int, student: Student | None = None) -> Event:
    """A removed (soft-deleted) event the user could see before it was removed — for the
    page a notification's link leads to afterwards; 404 for any other."""
    require(user, "calendar.view")
    qs = Event.all_objects.filter(events_visible_q(user, student), deleted_at__isnull=False)
    try:
        return qs.distinct().select_related("period", "deleted_by").get(pk=event_id)
    except Event.DoesNotExist:
        raise Http404 from None


def can_remove_event(user: User, event: Event) -> bool:
    return can(user, "calendar.manage") or (
        can(user, "calendar.add") and event.author_id == user.pk
    )


def can_edit_event(user: User, event: Event) -> bool:
    """Who may edit an event: the same people who may remove it — its author (while they
    may add events) and whoever manages the school's calendar."""
    return can_remove_event(user, event)


def access_event_for_edit(user: User, event_id: int) -> Event:
    """An event the user may see AND edit; 404 for any other (missing, another school's,
    someone else's for a teacher)."""
    event = access_event(user, event_id)
    if not can_edit_event(user, event):
        raise Http404
    return event


def event_choices(user: User) -> dict[str, Any]:
    """What the user may choose for an event (the form on the page, the API's ids):
    school-wide managers anything; teachers their own courses, the classes and groups they
    teach or lead, and only class or group events."""
    manager = can(user, "calendar.manage")
    courses = Course.objects.filter(year__is_current=True).select_related(
        "subject", "school_class", "group", "teacher"
    )
    classes = SchoolClass.objects.filter(year__is_current=True).order_by("level", "name")
    groups = ClassGroup.objects.filter(school_class__year__is_current=True).select_related(
        "school_class"
    )
    teachers: Any = None
    scopes: list[tuple[str, Any]] = [("", "—")]
    if manager:
        scopes += [(s.value, s.label) for s in Event.Scope]
        teachers = (
            User.objects.filter(
                school_id=user.school_pk, kind=User.Kind.STAFF, role_rows__role=Role.TEACHER
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
    else:
        scopes += [(s.value, s.label) for s in (Event.Scope.CLASSES, Event.Scope.GROUP)]
        courses = courses.filter(teacher=user)
        own = Course.objects.filter(teacher=user, year__is_current=True)
        led = SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True)
        classes = classes.filter(pk__in=own.values("school_class_id")) | classes.filter(
            pk__in=led.values("pk")
        )
        groups = groups.filter(school_class__in=classes.values("pk"))
    return {
        "courses": courses,
        "classes": classes.distinct(),
        "groups": groups,
        "teachers": teachers,
        "scopes": scopes,
    }
