"""Meetings and booked consultations as items of the calendar, the home page and the API
(``kajet.timetable.calendar_items``; registered in ``MeetingsConfig.ready``).

- Class meetings: for the guardians of the class's students, its homeroom teacher and the
  principal (whoever may see the meeting: ``access.meetings_visible_to``). One query; none
  for other roles.
- Booked consultations: for the guardian who booked the slot and for the teacher holding it.
  One query; none for other roles. Free slots are not calendar items.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.models import same_school
from kajet.meetings import access
from kajet.meetings.models import ConsultationSlot
from kajet.timetable.calendar_items import CalendarItem


def meeting_items(user: User, start: datetime.date, end: datetime.date) -> list[CalendarItem]:
    """The class meetings between ``start`` and ``end`` the user may see."""
    meetings = (
        access.meetings_visible_to(user)
        .filter(same_school("school_class"), date__gte=start, date__lte=end)
        .select_related("school_class")
        .order_by("date", "starts_at", "pk")
    )
    label = _("parent meeting")
    return [
        CalendarItem(
            kind="meeting",
            kind_label=label,
            date=m.date,
            starts_at=m.starts_at,
            ends_at=None,
            title=_("Parent meeting of class %(name)s") % {"name": m.school_class.name},
            place=m.room,
            url=reverse("meetings:detail", args=[m.pk]),
        )
        for m in meetings
    ]


def consultation_items(user: User, start: datetime.date, end: datetime.date) -> list[CalendarItem]:
    """Booked consultation slots between ``start`` and ``end``: the guardian's own bookings
    (named by the teacher) or the teacher's booked slots (named by the guardian)."""
    booked = ConsultationSlot.objects.filter(date__gte=start, date__lte=end, booking__isnull=False)
    staff = False
    if access.can(user, "consultation.book"):
        booked = booked.filter(booking__guardian=user).select_related("teacher")
    elif access.can(user, "consultation.publish"):
        booked = booked.filter(teacher=user).select_related("booking__guardian")
        staff = True
    else:
        return []
    label = _("consultation")
    items = []
    for slot in booked.order_by("date", "starts_at", "pk"):
        other = slot.booking.guardian if staff else slot.teacher
        url = reverse("meetings:consultations")
        items.append(
            CalendarItem(
                kind="consultation",
                kind_label=label,
                date=slot.date,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                title=_("Consultation: %(name)s") % {"name": other.full_name},
                place=slot.room,
                # The teacher's page lists one day at a time.
                url=f"{url}?dzien={slot.date.isoformat()}" if staff else url,
            )
        )
    return items
