"""Class meetings and booked consultations in the calendar (Terminarz): who sees which item,
a cancelled booking disappears, another school's data never shows, and the calendar pages
cost the same with 1 or 10 meetings."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kajet.meetings.calendar_items import consultation_items, meeting_items
from kajet.meetings.models import ConsultationBooking, ConsultationSlot
from kajet.meetings.services import consultation_cancel
from kajet.meetings.tests.conftest import make_meeting, make_slot
from kajet.testutils.factories import guardian_for
from kajet.timetable.calendar_items import calendar_items_for, provider_names

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=3)
WEEK = reverse("timetable:calendar_week")
LIST = reverse("timetable:calendar_list")
MONTH = reverse("timetable:calendar")


def _book(world: Any, slot: ConsultationSlot, guardian: Any) -> ConsultationBooking:
    return ConsultationBooking.objects.create(
        school=world.school, slot=slot, guardian=guardian, teacher=slot.teacher, date=slot.date
    )


def _titles(user: Any) -> list[str]:
    return [i.title for i in calendar_items_for(user, SOON, SOON)]


def test_meetings_registers_both_providers() -> None:
    assert {"meetings.meetings", "meetings.consultations"} <= set(provider_names())


def test_who_sees_a_class_meeting(world: Any) -> None:
    make_meeting(world, date=SOON)
    title = "Parent meeting of class 6b"
    for role in ("guardian", "homeroom_teacher", "principal"):
        assert _titles(world.user(role)) == [title], role
    for role in ("student", "teacher", "secretariat", "school_admin", "pedagogue"):
        assert title not in _titles(world.user(role)), role
    other_guardian = guardian_for(world.other_student, login="rodzic2a")
    assert _titles(other_guardian) == []


def test_booked_consultation_for_guardian_and_teacher_only(world: Any) -> None:
    guardian, teacher = world.user("guardian"), world.user("teacher")
    slot = make_slot(world, date=SOON, room="7")
    make_slot(world, date=SOON, starts_at=datetime.time(16, 10), ends_at=datetime.time(16, 20))
    assert consultation_items(teacher, SOON, SOON) == []  # free slots are not items
    _book(world, slot, guardian)
    [mine] = consultation_items(guardian, SOON, SOON)
    assert (mine.kind, mine.title, mine.place) == (
        "consultation",
        f"Consultation: {teacher.full_name}",
        "7",
    )
    assert (mine.starts_at, mine.ends_at) == (datetime.time(16, 0), datetime.time(16, 10))
    [held] = consultation_items(teacher, SOON, SOON)
    assert held.title == f"Consultation: {guardian.full_name}"
    assert held.url.endswith(f"?dzien={SOON.isoformat()}")
    other_guardian = guardian_for(world.other_student, login="rodzic2a")
    assert consultation_items(other_guardian, SOON, SOON) == []
    assert consultation_items(world.user("student"), SOON, SOON) == []


def test_a_cancelled_booking_disappears(world: Any) -> None:
    guardian = world.user("guardian")
    slot = make_slot(world, date=SOON)
    _book(world, slot, guardian)
    assert len(consultation_items(guardian, SOON, SOON)) == 1
    consultation_cancel(actor=guardian, slot=slot)
    assert consultation_items(guardian, SOON, SOON) == []
    assert consultation_items(world.user("teacher"), SOON, SOON) == []


def test_items_outside_the_range_are_left_out(world: Any) -> None:
    make_meeting(world, date=SOON)
    guardian = world.user("guardian")
    day_before = SOON - datetime.timedelta(days=1)
    assert meeting_items(guardian, day_before, day_before) == []
    assert len(meeting_items(guardian, day_before, SOON)) == 1


@pytest.mark.parametrize("url", [WEEK, LIST, MONTH])
def test_calendar_pages_show_the_items(world: Any, client_for: Any, url: str) -> None:
    make_meeting(world, date=SOON, room="12")
    slot = make_slot(world, date=SOON)
    guardian = world.user("guardian")
    _book(world, slot, guardian)
    params = {"tydzien": SOON.isoformat(), "od": SOON.isoformat(), "miesiac": f"{SOON:%Y-%m}"}
    page = client_for(guardian).get(url, params).content.decode()
    assert "Parent meeting of class 6b" in page
    assert f"Consultation: {world.user('teacher').full_name}" in page
    assert "17:00" in page and "room 12" in page
    teacher_page = client_for(world.user("teacher")).get(url, params).content.decode()
    assert f"Consultation: {guardian.full_name}" in teacher_page
    assert "Parent meeting" not in teacher_page
    other = guardian_for(world.other_student, login="rodzic2a")
    other_page = client_for(other).get(url, params).content.decode()
    assert "Parent meeting" not in other_page and "Consultation:" not in other_page


def test_another_schools_calendar_shows_none_of_it(
    world: Any, other_world: Any, client_for: Any
) -> None:
    make_meeting(world, date=SOON)
    _book(world, make_slot(world, date=SOON), world.user("guardian"))
    for role in ("guardian", "principal", "teacher", "homeroom_teacher"):
        page = client_for(other_world.user(role)).get(LIST, {"od": SOON.isoformat()})
        body = page.content.decode()
        assert "Parent meeting" not in body and "Consultation:" not in body, role


@pytest.mark.parametrize("role", ["guardian", "principal", "teacher"])
@pytest.mark.parametrize("url", [WEEK, LIST, MONTH])
def test_calendar_queries_do_not_grow_with_meetings(
    world: Any, client_for: Any, role: str, url: str
) -> None:
    params = {"tydzien": SOON.isoformat(), "od": SOON.isoformat(), "miesiac": f"{SOON:%Y-%m}"}
    client = client_for(world.user(role))
    counts = []
    made = 0
    for total in (1, 10):  # 1, then 10 meetings and booked slots
        while made < total:
            begin = datetime.datetime(2000, 1, 1, 8) + datetime.timedelta(minutes=10 * made)
            at, until = begin.time(), (begin + datetime.timedelta(minutes=9)).time()
            make_meeting(world, date=SOON, starts_at=at)
            booker = (
                world.user("guardian")
                if made == 0
                else guardian_for(world.student, login=f"rodzic{made}")
            )
            slot = make_slot(world, date=SOON, starts_at=at, ends_at=until)
            _book(world, slot, booker)
            made += 1
        client.get(url, params)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, params).content.decode()
        counts.append(len(queries))
        shown = page.count("Parent meeting of class 6b") + page.count("Consultation:")
        assert shown >= total
    assert counts[0] == counts[1]
