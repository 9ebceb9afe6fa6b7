"""End to end in Chromium: a teacher publishes consultation hours; a guardian on a phone
(360 px) books a slot from the menu and sees it in their bookings; the teacher's day list
shows who booked."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kajet.meetings.models import ConsultationBooking, ConsultationSlot
from kajet.testutils.browser import assert_accessible, horizontal_overflow
from kajet.testutils.factories import SchoolWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_publishes_hours_and_a_guardian_books_on_a_phone(
    world: SchoolWorld, live_server: Any, signed_in: Callable[..., Any]
) -> None:
    day = timezone.localdate() + datetime.timedelta(days=2)
    teacher = signed_in(world.user("teacher"), width=1280)
    teacher.goto(f"{live_server.url}/zebrania/konsultacje/")
    teacher.get_by_role("link", name="Publish consultation hours").click()
    teacher.get_by_label("Date").fill(day.isoformat())
    teacher.get_by_label("From").fill("16:00")
    teacher.get_by_label("To").fill("16:30")
    teacher.get_by_label("Minutes per slot").fill("15")
    teacher.get_by_label("Room").fill("12")
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Publish").click()
    teacher.get_by_text("2 consultation slots published.").wait_for()
    assert ConsultationSlot.objects.count() == 2
    teacher.screenshot(path="/tmp/h13m_teacher_day.png", full_page=True)

    guardian = signed_in(world.user("guardian"), width=360)
    guardian.goto(f"{live_server.url}/")
    guardian.locator("details.phonenav-more > summary").click()  # the phone's "More" menu
    guardian.locator(".phonenav-panel").get_by_role("link", name="Consultations").click()
    guardian.get_by_label("Teacher").select_option(label=world.user("teacher").full_name)
    guardian.get_by_role("button", name="Show free slots").click()
    guardian.get_by_text("16:15–16:30").wait_for()
    assert horizontal_overflow(guardian) == 0
    assert_accessible(guardian)
    guardian.screenshot(path="/tmp/h13m_guardian_free.png", full_page=True)
    guardian.get_by_role("button", name="Book").first.click()
    guardian.get_by_text("Booked: ").wait_for()
    guardian.get_by_role("button", name="Cancel the booking").wait_for()
    assert horizontal_overflow(guardian) == 0
    guardian.screenshot(path="/tmp/h13m_guardian_booked.png", full_page=True)
    booking = ConsultationBooking.objects.get()
    assert (booking.guardian_id, booking.slot.starts_at) == (
        world.user("guardian").pk,
        datetime.time(16, 0),
    )

    teacher.goto(f"{live_server.url}/zebrania/konsultacje/?dzien={day.isoformat()}")
    teacher.get_by_text(world.user("guardian").full_name).wait_for()
    assert_accessible(teacher)
    teacher.screenshot(path="/tmp/h13m_teacher_day.png", full_page=True)


def test_homeroom_teacher_schedules_a_meeting_and_records_who_came(
    world: SchoolWorld, live_server: Any, signed_in: Callable[..., Any]
) -> None:
    teacher = signed_in(world.user("homeroom_teacher"), width=1280)
    teacher.goto(f"{live_server.url}/")
    teacher.get_by_role("link", name="Meetings").first.click()
    teacher.get_by_role("link", name="Schedule a meeting").click()
    # Today, early: the meeting has started, so attendance can be recorded right away.
    teacher.get_by_label("Date").fill(timezone.localdate().isoformat())
    teacher.get_by_label("Time").fill("00:01")
    teacher.get_by_label("Room").fill("12")
    teacher.get_by_label("Agenda").fill("Oceny śródroczne, wycieczka.")
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Schedule the meeting").click()
    teacher.get_by_text("the guardians have been notified").wait_for()
    guardian_name = world.user("guardian").full_name
    teacher.get_by_label(guardian_name, exact=False).check()
    teacher.get_by_role("button", name="Save who attended").click()
    teacher.get_by_text("Attendance saved: 1 guardian present.").wait_for()
    assert_accessible(teacher)
    teacher.get_by_role("button", name="PL").click()
    teacher.get_by_text("Lista obecności").wait_for()
    teacher.screenshot(path="/tmp/h13m_meeting_pl.png", full_page=True)

    guardian = signed_in(world.user("guardian"), width=360)
    guardian.goto(f"{live_server.url}/zebrania/")
    guardian.get_by_text("Oceny śródroczne, wycieczka.").wait_for()
    assert horizontal_overflow(guardian) == 0
    assert_accessible(guardian)
    guardian.get_by_role("button", name="PL").click()
    guardian.get_by_role("heading", name="Zebrania z rodzicami").wait_for()
    guardian.screenshot(path="/tmp/h13m_meetings_guardian_pl.png", full_page=True)


def test_guardian_sees_meeting_and_booking_in_the_calendar_on_a_phone(
    world: SchoolWorld, live_server: Any, signed_in: Callable[..., Any]
) -> None:
    from kajet.meetings.tests.conftest import make_meeting, make_slot

    day = timezone.localdate() + datetime.timedelta(days=2)
    make_meeting(world, date=day, room="12")
    slot = make_slot(world, date=day)
    ConsultationBooking.objects.create(
        school=world.school,
        slot=slot,
        guardian=world.user("guardian"),
        teacher=slot.teacher,
        date=day,
    )
    guardian = signed_in(world.user("guardian"), width=360)
    for path in (f"/plan/terminarz/tydzien/?tydzien={day.isoformat()}", "/"):
        guardian.goto(f"{live_server.url}{path}")
        guardian.get_by_role("link", name="Parent meeting of class 6b").first.wait_for()
        teacher_name = world.user("teacher").full_name
        guardian.get_by_role("link", name=f"Consultation: {teacher_name}").first.wait_for()
        assert not horizontal_overflow(guardian)
        assert_accessible(guardian)
    guardian.goto(f"{live_server.url}/plan/terminarz/?miesiac={day:%Y-%m}")
    guardian.get_by_role("link", name="Parent meeting of class 6b").first.wait_for()
    guardian.screenshot(path="/tmp/h13_calendar_month_phone.png", full_page=True)
