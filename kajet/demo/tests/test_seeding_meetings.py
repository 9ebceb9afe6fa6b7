"""Demo parent meetings and consultations on a small school."""

from __future__ import annotations

import datetime

import pytest

from kajet.accounts.models import Role
from kajet.demo.seeding.meetings import seed_school_data as seed_meetings
from kajet.demo.seeding.school import SchoolSpec, StaffSpec, seed_school
from kajet.meetings.models import ConsultationBooking, ConsultationSlot, Meeting, MeetingAttendance

pytestmark = pytest.mark.django_db


def test_seed_meetings() -> None:
    today = datetime.date(2026, 11, 20)
    spec = SchoolSpec(
        name="SP Test",
        short_name="SP T",
        city="Gdańsk",
        class_names=["4a", "5a"],
        students_per_class=6,
        teachers=6,
        first_login_number=6300001,
        seed=5,
        named_staff=[StaffSpec("t.principal", "Halina", "Kaczmarek", [Role.PRINCIPAL])],
    )
    seeded = seed_school(spec, today=today, password="x-Pass-2026")
    seed_meetings(seeded, today=today, scale="demo")

    meetings = list(Meeting.objects.order_by("date"))
    led = [c for c in seeded.classes if c.homeroom_teacher_id]
    assert len(meetings) == 2 * len(led) > 0
    past = [m for m in meetings if m.date < today]
    assert past and all(m.attendance_recorded_at for m in past)
    assert all(m.date > today for m in meetings if m not in past)
    attended = MeetingAttendance.objects.select_related("meeting")
    assert attended.exists() and all(a.meeting.date < today for a in attended)
    slots = ConsultationSlot.objects.all()
    assert slots.count() >= 6 and all(s.date > today and s.date.weekday() < 5 for s in slots)
    bookings = list(ConsultationBooking.objects.select_related("slot"))
    assert bookings
    assert all(b.date == b.slot.date and b.teacher_id == b.slot.teacher_id for b in bookings)
    # The benchmark scales get none.
    Meeting.objects.all().delete()
    ConsultationSlot.objects.all().delete()
    seed_meetings(seeded, today=today, scale="s")
    assert not Meeting.objects.exists() and not ConsultationSlot.objects.exists()
