"""Parent meetings and booked consultations in the iCal feed: for the guardian, the homeroom
teacher and the teacher whose slot was booked — not for the student — at a constant cost."""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kajet.feeds.services import feed_token_regenerate
from kajet.meetings.models import ConsultationBooking, ConsultationSlot, Meeting
from kajet.testutils.factories import SchoolWorld, guardian_for

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=3)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def _meeting(world: SchoolWorld, **kw: Any) -> Meeting:
    values: dict[str, Any] = {
        "school": world.school,
        "school_class": world.school_class,
        "date": SOON,
        "starts_at": datetime.time(17, 0),
        "room": "12",
        "agenda": "Oceny śródroczne.",
        "created_by": world.user("homeroom_teacher"),
    }
    return Meeting.objects.create(**values | kw)


def _booked(world: SchoolWorld, guardian: Any, **kw: Any) -> ConsultationSlot:
    values: dict[str, Any] = {
        "school": world.school,
        "teacher": world.user("teacher"),
        "date": SOON,
        "starts_at": datetime.time(16, 0),
        "ends_at": datetime.time(16, 10),
        "room": "7",
    }
    slot = ConsultationSlot.objects.create(**values | kw)
    ConsultationBooking.objects.create(
        school=world.school, slot=slot, guardian=guardian, teacher=slot.teacher, date=slot.date
    )
    return slot


def _summaries(client: Any, user: Any) -> dict[str, icalendar.Event]:
    token = feed_token_regenerate(actor=user)
    response = client.get(reverse("dashboard:ical_feed", args=[token]))
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_guardian_feed_has_the_meeting_and_their_consultation(
    world: SchoolWorld, client: Any
) -> None:
    _meeting(world)
    _booked(world, world.user("guardian"))
    _booked(
        world,
        guardian_for(world.other_student, login="rodzic2a"),
        starts_at=datetime.time(16, 10),
        ends_at=datetime.time(16, 20),
    )
    events = _summaries(client, world.user("guardian"))
    meeting = events["Parent meeting of class 6b"]
    assert meeting.decoded("DTSTART").replace(tzinfo=None) == datetime.datetime.combine(
        SOON, datetime.time(17, 0)
    )
    assert str(meeting["LOCATION"]) == "12"
    consultations = [s for s in events if s.startswith("Consultation: ")]
    assert consultations == [f"Consultation: {world.user('teacher').full_name}"]


def test_staff_feeds(world: SchoolWorld, client: Any) -> None:
    _meeting(world)
    _booked(world, world.user("guardian"))
    teacher = _summaries(client, world.user("teacher"))
    assert f"Consultation: {world.user('guardian').full_name}" in teacher
    assert "Parent meeting of class 6b" not in teacher
    cache.clear()
    assert "Parent meeting of class 6b" in _summaries(client, world.user("homeroom_teacher"))
    cache.clear()
    student = _summaries(client, world.user("student"))
    assert not [s for s in student if "meeting" in s or "Consultation" in s]


def test_other_school_feed_has_none_of_it(
    world: SchoolWorld, other_world: SchoolWorld, client: Any
) -> None:
    _meeting(world)
    _booked(world, world.user("guardian"))
    events = _summaries(client, other_world.user("guardian"))
    assert not [s for s in events if "meeting" in s or "Consultation" in s]


def test_the_guardian_feed_costs_the_same_with_more_meetings(
    world: SchoolWorld, client: Any
) -> None:
    _meeting(world)
    _booked(world, world.user("guardian"))
    token = feed_token_regenerate(actor=world.user("guardian"))
    url = reverse("dashboard:ical_feed", args=[token])

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.get(url)
    few = count()
    for n in range(1, 8):
        _meeting(world, date=SOON + datetime.timedelta(days=n))
        _booked(world, world.user("guardian"), date=SOON + datetime.timedelta(days=n))
    assert count() == few
