"""Writes to meetings and consultations: schedule a meeting (the class's guardians are told),
record who attended, publish consultation hours as slots, remove a free slot, book and cancel
a slot.

Every write runs in one transaction and records history (``meetings.meeting.*``,
``meetings.slot.*``, ``meetings.booking.*``). Booking locks the slot row (``select_for_update``)
so two guardians booking the last slot at once are served one after the other: the first gets
it, the second gets :class:`SlotTaken`; the one-to-one and unique constraints hold the same
rules should anything bypass the lock.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kajet.accounts.models import User
from kajet.core.datefmt import short_date
from kajet.core.history import history_record
from kajet.core.models import School
from kajet.core.versions import home_changed
from kajet.meetings import rules
from kajet.meetings.models import ConsultationBooking, ConsultationSlot, Meeting, MeetingAttendance
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.school.models import Guardianship, SchoolClass

MAX_AGENDA = 4000


class SlotTaken(Exception):
    """The slot was booked by someone else (or is no longer bookable); nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def slot_start(slot: ConsultationSlot) -> datetime.datetime:
    """When the slot starts, in the school's time zone."""
    return timezone.make_aware(datetime.datetime.combine(slot.date, slot.starts_at))


def class_guardian_ids(school_class: SchoolClass) -> list[int]:
    """Guardians of the class's enrolled students."""
    return sorted(
        set(
            Guardianship.objects.filter(
                student__school_class=school_class, student__left_on__isnull=True
            ).values_list("guardian_id", flat=True)
        )
    )


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    school_class: SchoolClass,
    date: datetime.date,
    starts_at: datetime.time,
    room: str,
    agenda: str,
) -> Meeting:
    """Schedule a meeting of the class (the caller has checked the actor is its homeroom
    teacher) and tell the class's guardians."""
    errors: dict[str, str] = {}
    if date < timezone.localdate():
        errors["date"] = _("A meeting cannot be scheduled in the past.")
    if not agenda.strip():
        errors["agenda"] = _("Write the agenda.")
    elif len(agenda) > MAX_AGENDA:
        errors["agenda"] = _("The agenda is too long (at most %(n)d characters).") % {
            "n": MAX_AGENDA
        }
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        school_id=school_class.school_id,
        school_class=school_class,
        date=date,
        starts_at=starts_at,
        room=room.strip(),
        agenda=agenda.strip(),
        created_by=actor,
    )
    history_record(
        school=school_class.school,
        actor=actor,
        code="meetings.meeting.scheduled",
        object_type="meeting",
        object_id=meeting.pk,
        new={
            "class": school_class.pk,
            "date": date.isoformat(),
            "time": starts_at.strftime("%H:%M"),
            "room": meeting.room,
            "agenda": meeting.agenda,
        },
    )
    home_changed(school_class.school_id)  # the home page caches the guardians' calendar items
    notify(
        school=school_class.school_id,
        user_ids=class_guardian_ids(school_class),
        kind=Notification.Kind.EVENT,
        title=_("Parent meeting of class %(name)s: %(date)s at %(time)s")
        % {
            "name": school_class.name,
            "date": short_date(date),
            "time": starts_at.strftime("%H:%M"),
        },
        url=reverse("meetings:detail", args=[meeting.pk]),
    )
    return meeting


@transaction.atomic
def meeting_attendance_record(
    *, actor: User, meeting: Meeting, guardian_ids: Collection[int]
) -> list[int]:
    """Record which of the class's guardians attended (replaces an earlier record; the
    history keeps both). Only guardians of the class count; the meeting must have started."""
    starts = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.starts_at))
    if timezone.now() < starts:
        raise ValidationError(_("Attendance is recorded once the meeting has started."))
    allowed = set(class_guardian_ids(meeting.school_class))
    present = sorted(set(guardian_ids) & allowed)
    old = sorted(meeting.attendances.values_list("guardian_id", flat=True))
    meeting.attendances.all().delete()
    MeetingAttendance.objects.bulk_create(
        [
            MeetingAttendance(school_id=meeting.school_id, meeting=meeting, guardian_id=pk)
            for pk in present
        ]
    )
    meeting.attendance_recorded_at = timezone.now()
    meeting.save(update_fields=["attendance_recorded_at"])
    history_record(
        school=School.objects.get(pk=meeting.school_id),
        actor=actor,
        code="meetings.meeting.attendance",
        object_type="meeting",
        object_id=meeting.pk,
        old={"present": old} if old else None,
        new={"present": present},
    )
    return present


@transaction.atomic
def consultation_slots_publish(
    *,
    actor: User,
    school: School,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    minutes: int,
    room: str,
) -> list[ConsultationSlot]:
    """Publish the actor's consultation hours on ``date`` as slots of ``minutes``. Refused
    (nothing written) for a past day, hours holding no slot or too many, or hours overlapping
    slots the actor already has that day."""
    low, high = rules.SLOT_MINUTES
    if not low <= minutes <= high:
        raise ValidationError(
            {"minutes": _("A slot lasts %(low)d to %(high)d minutes.") % {"low": low, "high": high}}
        )
    if date < timezone.localdate():
        raise ValidationError({"date": _("Consultation hours cannot be published in the past.")})
    times = rules.split_hours(starts_at, ends_at, minutes)
    if not times:
        raise ValidationError({"ends_at": _("The hours are too short for one slot.")})
    if len(times) > rules.MAX_SLOTS:
        raise ValidationError(
            {"ends_at": _("At most %(n)d slots at once.") % {"n": rules.MAX_SLOTS}}
        )
    overlapping = ConsultationSlot.objects.filter(
        teacher=actor, date=date, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if overlapping.exists():
        raise ValidationError(
            _("These hours overlap consultation slots you have already published that day.")
        )
    slots = ConsultationSlot.objects.bulk_create(
        [
            ConsultationSlot(
                school=school, teacher=actor, date=date, starts_at=a, ends_at=b, room=room.strip()
            )
            for a, b in times
        ]
    )
    history_record(
        school=school,
        actor=actor,
        code="meetings.slot.published",
        object_type="consultation_day",
        object_id=actor.pk,
        new={
            "date": date.isoformat(),
            "from": starts_at.strftime("%H:%M"),
            "to": ends_at.strftime("%H:%M"),
            "minutes": minutes,
            "slots": len(slots),
            "room": room.strip(),
        },
    )
    return slots


@transaction.atomic
def consultation_slot_remove(*, actor: User, slot: ConsultationSlot) -> None:
    """Remove one of the actor's free slots; a booked slot stays (the guardian is expecting
    the meeting)."""
    locked = ConsultationSlot.objects.select_for_update().get(pk=slot.pk)
    if ConsultationBooking.objects.filter(slot=locked).exists():
        raise ValidationError(_("This slot is booked; it cannot be removed."))
    history_record(
        school=School.objects.get(pk=locked.school_id),
        actor=actor,
        code="meetings.slot.removed",
        object_type="consultation_slot",
        object_id=locked.pk,
        old={"date": locked.date.isoformat(), "from": locked.starts_at.strftime("%H:%M")},
    )
    locked.delete()


def consultation_book(*, actor: User, slot: ConsultationSlot) -> ConsultationBooking:
    """Book ``slot`` for the guardian ``actor``. Raises :class:`SlotTaken` with a message for
    the guardian when the slot is taken, has started, or the guardian already has a slot with
    this teacher that day; nothing is changed then."""
    try:
        return _book(actor=actor, slot_id=slot.pk)
    except IntegrityError:
        # The slot lock serialises bookings of one slot; two bookings of *different* slots by
        # one guardian at once meet here, at the one-per-teacher-per-day constraint.
        if ConsultationBooking.objects.filter(slot_id=slot.pk).exists():
            raise SlotTaken(_taken_message()) from None
        raise SlotTaken(_one_per_day_message()) from None


def _taken_message() -> str:
    return _("Someone else has just booked this slot. Please choose another.")


def _one_per_day_message() -> str:
    return _("You already have a slot with this teacher that day. Cancel it first to change it.")


@transaction.atomic
def _book(*, actor: User, slot_id: int) -> ConsultationBooking:
    try:
        slot = ConsultationSlot.objects.select_for_update().get(pk=slot_id)
    except ConsultationSlot.DoesNotExist:
        raise SlotTaken(_("This slot is no longer offered. Please choose another.")) from None
    if ConsultationBooking.objects.filter(slot=slot).exists():
        raise SlotTaken(_taken_message())
    if not rules.can_book(starts=slot_start(slot), now=timezone.now()):
        raise SlotTaken(_("This slot has already started. Please choose another."))
    if ConsultationBooking.objects.filter(
        guardian=actor, teacher_id=slot.teacher_id, date=slot.date
    ).exists():
        raise SlotTaken(_one_per_day_message())
    booking = ConsultationBooking.objects.create(
        school_id=slot.school_id,
        slot=slot,
        guardian=actor,
        teacher_id=slot.teacher_id,
        date=slot.date,
    )
    history_record(
        school=School.objects.get(pk=slot.school_id),
        actor=actor,
        code="meetings.booking.created",
        object_type="consultation_slot",
        object_id=slot.pk,
        new={"guardian": actor.pk},
    )
    home_changed(slot.school_id)  # the home page caches the guardian's and teacher's items
    return booking


@transaction.atomic
def consultation_cancel(*, actor: User, slot: ConsultationSlot) -> None:
    """Cancel the guardian's own booking of ``slot`` while it may still be cancelled
    (:data:`kajet.meetings.rules.CANCEL_BEFORE`); the slot is free again."""
    if not rules.can_cancel(starts=slot_start(slot), now=timezone.now()):
        hours = int(rules.CANCEL_BEFORE.total_seconds() // 3600)
        raise ValidationError(
            ngettext(
                "A booking can be cancelled up to %(hours)d hour before it starts. "
                "Please write to the teacher instead.",
                "A booking can be cancelled up to %(hours)d hours before it starts. "
                "Please write to the teacher instead.",
                hours,
            )
            % {"hours": hours}
        )
    deleted, _rows = ConsultationBooking.objects.filter(slot=slot, guardian=actor).delete()
    if deleted:
        history_record(
            school=School.objects.get(pk=slot.school_id),
            actor=actor,
            code="meetings.booking.cancelled",
            object_type="consultation_slot",
            object_id=slot.pk,
            old={"guardian": actor.pk},
        )
        home_changed(slot.school_id)  # the home page caches the guardian's and teacher's items
