"""Who may see and schedule parent meetings and publish, book and cancel consultation slots —
decided here and nowhere else.

Row-level rules: a guardian sees the meetings of their children's classes, books any
teacher's free slot of their school and cancels only their own booking; the homeroom teacher
schedules meetings of their own class (this year) and records who attended; the principal sees
every meeting of the school; a teacher (and the pedagogue, psychologist and principal, who
also meet parents) manages only their own slots. Helpers raise Http404 for "missing" and
"not yours" alike.
"""

from __future__ import annotations

import functools
import operator

from django.db.models import Q, QuerySet
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.meetings.models import ConsultationSlot, Meeting
from kajet.school.access import roles_of
from kajet.school.models import SchoolClass, Student

#: Staff who hold consultation hours.
CONSULTING = frozenset(
    {Role.TEACHER, Role.HOMEROOM_TEACHER, Role.PEDAGOGUE, Role.PSYCHOLOGIST, Role.PRINCIPAL}
)

PERMISSIONS: dict[str, frozenset[str]] = {
    # Row level: the guardian's children's classes; the homeroom teacher's own class.
    "meeting.view": frozenset({Role.GUARDIAN, Role.HOMEROOM_TEACHER, Role.PRINCIPAL}),
    # Row level: their own class of the current year (also records attendance).
    "meeting.schedule": frozenset({Role.HOMEROOM_TEACHER}),
    # Row level: their own slots.
    "consultation.publish": CONSULTING,
    # Row level: cancels only their own booking.
    "consultation.book": frozenset({Role.GUARDIAN}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def uses_consultations(user: User) -> bool:
    """Whether the consultations page is for the user: they hold or book consultations."""
    return can(user, "consultation.publish") or can(user, "consultation.book")


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """Meetings the user may see, inside the current school scope: one query when read (the
    classes are a subquery), none for a user whose roles see no meeting."""
    roles = roles_of(user)
    if Role.PRINCIPAL in roles:
        return Meeting.objects.all()
    mine: list[Q] = []
    if Role.HOMEROOM_TEACHER in roles:
        mine.append(Q(school_class__homeroom_teacher=user))
    if Role.GUARDIAN in roles:
        children = Student.objects.filter(guardianships__guardian=user)
        mine.append(Q(school_class_id__in=children.values("school_class_id")))
    if not mine:
        return Meeting.objects.none()
    return Meeting.objects.filter(functools.reduce(operator.or_, mine))


def access_meeting(user: User, meeting_id: int) -> Meeting:
    """One meeting the user may see, with its class and author; 404 otherwise."""
    require(user, "meeting.view")
    try:
        return (
            meetings_visible_to(user)
            .select_related("school_class__homeroom_teacher", "created_by")
            .get(pk=meeting_id)
        )
    except Meeting.DoesNotExist:
        raise Http404 from None


def classes_for_meetings(user: User) -> QuerySet[SchoolClass]:
    """Classes of the current year the user may schedule meetings for (their own)."""
    if not can(user, "meeting.schedule"):
        return SchoolClass.objects.none()
    return SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True).order_by(
        "level", "name"
    )


def access_meeting_to_manage(user: User, meeting_id: int) -> Meeting:
    """A meeting of the homeroom teacher's own class of this year (to record attendance);
    404 otherwise."""
    require(user, "meeting.schedule")
    try:
        return Meeting.objects.select_related("school_class").get(
            pk=meeting_id, school_class__in=classes_for_meetings(user)
        )
    except Meeting.DoesNotExist:
        raise Http404 from None


def access_own_slot(user: User, slot_id: int) -> ConsultationSlot:
    """One of the user's own consultation slots; 404 otherwise."""
    require(user, "consultation.publish")
    try:
        return ConsultationSlot.objects.get(pk=slot_id, teacher=user)
    except ConsultationSlot.DoesNotExist:
        raise Http404 from None


def access_slot_to_book(user: User, slot_id: int) -> ConsultationSlot:
    """A consultation slot of the guardian's school (free or not: the service says whether it
    can still be had); 404 for other roles and other schools."""
    require(user, "consultation.book")
    try:
        return ConsultationSlot.objects.select_related("teacher").get(pk=slot_id)
    except ConsultationSlot.DoesNotExist:
        raise Http404 from None


def access_booked_slot(user: User, slot_id: int) -> ConsultationSlot:
    """A slot the guardian has booked (to cancel it); 404 otherwise."""
    require(user, "consultation.book")
    try:
        return ConsultationSlot.objects.select_related("teacher", "booking").get(
            pk=slot_id, booking__guardian=user
        )
    except ConsultationSlot.DoesNotExist:
        raise Http404 from None
