"""Page-shaped reads for meetings and consultations, each in a fixed number of queries
whatever the number of rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kajet.accounts.models import Role, User
from kajet.core.models import same_school
from kajet.meetings import access
from kajet.meetings.access import meetings_visible_to
from kajet.meetings.models import ConsultationBooking, ConsultationSlot, Meeting, MeetingAttendance
from kajet.school.access import roles_of
from kajet.school.models import Guardianship

#: How many meetings a list shows (the most recent and the coming ones).
MEETINGS_SHOWN = 50
#: How far ahead guardians see free slots.
BOOKING_DAYS = 60


def meeting_list_for(user: User) -> list[Meeting]:
    """Meetings the user may see, coming ones first then the past, with the class and the
    number of guardians recorded present (``present``). One query: the count is a subquery
    per meeting listed, and the classes are restricted to the school (``same_school``), so
    the principal's list reads the school's rows through its indexes, not every school's
    registers and classes (issue 17)."""
    present = (
        MeetingAttendance.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        meetings_visible_to(user)
        .filter(same_school("school_class"))
        .select_related("school_class")
        .annotate(present=Coalesce(Subquery(present), 0))
        .order_by("-date", "-starts_at", "-pk")[:MEETINGS_SHOWN]
    )


@dataclass
class GuardianRow:
    guardian: User
    children: list[str] = field(default_factory=list)
    present: bool = False


def meeting_register(meeting: Meeting) -> list[GuardianRow]:
    """The class's guardians (of enrolled students) with their children and whether they were
    recorded present, ordered by the first child's class number. Two queries."""
    present = set(
        MeetingAttendance.objects.filter(meeting=meeting).values_list("guardian_id", flat=True)
    )
    links = (
        Guardianship.objects.filter(
            student__school_class_id=meeting.school_class_id, student__left_on__isnull=True
        )
        .select_related("guardian", "student__user")
        .order_by("student__class_number", "student__user__last_name", "guardian__last_name")
    )
    rows: dict[int, GuardianRow] = {}
    for link in links:
        row = rows.setdefault(
            link.guardian_id,
            GuardianRow(guardian=link.guardian, present=link.guardian_id in present),
        )
        row.children.append(link.student.user.full_name)
    return list(rows.values())


def _with_guardian_children(qs: QuerySet[ConsultationSlot]) -> QuerySet[ConsultationSlot]:
    children = Guardianship.objects.select_related("student__user", "student__school_class")
    return qs.select_related("booking__guardian").prefetch_related(
        Prefetch("booking__guardian__guardianships", queryset=children)
    )


def slots_of_teacher_day(user: User, day: datetime.date) -> list[ConsultationSlot]:
    """The teacher's slots on ``day`` with who booked each and their children. Three queries."""
    return list(_with_guardian_children(ConsultationSlot.objects.filter(teacher=user, date=day)))


def teacher_days(user: User) -> list[tuple[datetime.date, int, int]]:
    """The coming days (from today) with the teacher's slots: (day, slots, booked)."""
    rows = (
        ConsultationSlot.objects.filter(teacher=user, date__gte=timezone.localdate())
        .values("date")
        .annotate(slots=Count("pk"), booked=Count("booking"))
        .order_by("date")
    )
    return [(r["date"], r["slots"], r["booked"]) for r in rows[:60]]


def _coming() -> Q:
    today = timezone.localdate()
    return Q(date__gte=today, date__lte=today + datetime.timedelta(days=BOOKING_DAYS))


def teachers_with_free_slots() -> list[User]:
    """Staff of the school with a free slot in the coming days, by name."""
    free = ConsultationSlot.objects.filter(_coming(), teacher=OuterRef("pk"), booking__isnull=True)
    return list(User.objects.filter(Exists(free)).order_by("last_name", "first_name", "pk"))


def free_slots_of(teacher: User) -> list[ConsultationSlot]:
    """The teacher's free slots in the coming days (today's only those not yet started)."""
    now = timezone.localtime()
    return list(
        ConsultationSlot.objects.filter(_coming(), teacher=teacher, booking__isnull=True)
        .exclude(date=now.date(), starts_at__lte=now.time())
        .order_by("date", "starts_at")
    )


def bookings_of(user: User) -> list[ConsultationBooking]:
    """The guardian's coming bookings, soonest first, with slot and teacher."""
    return list(
        ConsultationBooking.objects.filter(guardian=user, date__gte=timezone.localdate())
        .select_related("slot", "teacher")
        .order_by("date", "slot__starts_at")
    )


#: The most slots one API answer lists.
API_SLOTS = 500


def slots_for_api(user: User, *, teacher_id: int | None) -> list[ConsultationSlot]:
    """Slots in the coming days for the API: for a guardian the free ones (of one teacher
    when ``teacher_id`` is given; those of today not yet started) and their own bookings; for
    staff who hold consultations their own slots with who booked them. Two queries."""
    now = timezone.localtime()
    qs = ConsultationSlot.objects.filter(_coming()).exclude(
        date=now.date(), starts_at__lte=now.time()
    )
    if access.can(user, "consultation.book"):
        qs = qs.filter(Q(booking__isnull=True) | Q(booking__guardian=user))
        if teacher_id is not None:
            qs = qs.filter(teacher_id=teacher_id)
    elif access.can(user, "consultation.publish"):
        qs = qs.filter(teacher=user)
    else:
        return []
    return list(
        qs.select_related("teacher", "booking__guardian").order_by("date", "starts_at", "pk")[
            :API_SLOTS
        ]
    )


def meetings_for_feed(user: User, start: datetime.date, end: datetime.date) -> list[Meeting]:
    """Meetings between ``start`` and ``end`` for the user's calendar feed: a guardian's
    children's classes, a homeroom teacher's own class (not every class for the principal)."""
    if not roles_of(user) & {Role.GUARDIAN, Role.HOMEROOM_TEACHER}:
        return []
    return list(
        meetings_visible_to(user)
        .filter(same_school("school_class"), date__gte=start, date__lte=end)
        .select_related("school_class")
        .order_by("date", "starts_at", "pk")
    )


def consultations_for_feed(
    user: User, start: datetime.date, end: datetime.date
) -> list[ConsultationSlot]:
    """Booked slots between ``start`` and ``end`` for the calendar feed: a guardian's own
    bookings; a teacher's slots someone booked."""
    booked = ConsultationSlot.objects.filter(date__gte=start, date__lte=end, booking__isnull=False)
    if access.can(user, "consultation.book"):
        booked = booked.filter(booking__guardian=user)
    elif access.can(user, "consultation.publish"):
        booked = booked.filter(teacher=user)
    else:
        return []
    return list(booked.select_related("teacher", "booking__guardian").order_by("date", "starts_at"))
