"""The calendar month from the cache (kajet/timetable/month_cache.py) and the items other apps
add to it: a class meeting scheduled, a consultation booked or cancelled through the meetings
services shows on the next visit of a warm month, for the guardian and for the teacher; the
rendered grid follows the items themselves (their digest is in its key), so even a meeting
written outside the services shows; and a month from the cache is the month rendered afresh.
Cross-app (timetable and meetings), hence here."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from kajet.meetings.models import ConsultationSlot, Meeting
from kajet.meetings.services import consultation_book, consultation_cancel, meeting_schedule
from kajet.testutils.factories import SchoolWorld

SOON = timezone.localdate() + datetime.timedelta(days=3)


def _month(client: Any) -> str:
    response = client.get(reverse("timetable:calendar"), {"miesiac": f"{SOON:%Y-%m}"})
    assert response.status_code == 200
    return re.sub(
        r'(csrfmiddlewaretoken" value="|CSRFToken": ")[^"]*"', r"\1", response.content.decode()
    )


def _slot(world: SchoolWorld) -> ConsultationSlot:
    return ConsultationSlot.objects.create(
        school=world.school,
        teacher=world.user("teacher"),
        date=SOON,
        starts_at=datetime.time(16, 0),
        ends_at=datetime.time(16, 10),
        room="7",
    )


def _schedule(world: SchoolWorld) -> Meeting:
    return meeting_schedule(
        actor=world.user("homeroom_teacher"),
        school_class=world.school_class,
        date=SOON,
        starts_at=datetime.time(17, 0),
        room="12",
        agenda="Wycieczka klasowa.",
    )


def test_meetings_and_consultations_show_on_the_next_visit_of_a_warm_month(
    world: SchoolWorld, client_for: Any
) -> None:
    guardian, teacher = world.user("guardian"), world.user("teacher")
    family, staff = client_for(guardian), client_for(teacher)
    slot = _slot(world)
    for client in (family, staff, family, staff):  # cold, then warm
        body = _month(client)
        assert "Parent meeting" not in body and "Consultation:" not in body
    _schedule(world)
    assert "Parent meeting of class 6b" in _month(family)
    consultation_book(actor=guardian, slot=slot)
    assert f"Consultation: {teacher.full_name}" in _month(family)
    assert f"Consultation: {guardian.full_name}" in _month(staff)
    consultation_cancel(actor=guardian, slot=slot)
    assert "Consultation:" not in _month(family)
    assert "Consultation:" not in _month(staff)


def test_a_meeting_written_outside_the_services_shows_too(
    world: SchoolWorld, client_for: Any
) -> None:
    client = client_for(world.user("guardian"))
    _month(client)
    assert "Parent meeting" not in _month(client)
    Meeting.objects.create(
        school=world.school,
        school_class=world.school_class,
        date=SOON,
        starts_at=datetime.time(17, 0),
        room="12",
        agenda="Bez wersji.",
        created_by=world.user("homeroom_teacher"),
    )
    assert "Parent meeting of class 6b" in _month(client)


@pytest.mark.parametrize("role", ["guardian", "teacher", "homeroom_teacher", "principal"])
def test_a_month_with_items_from_the_cache_is_the_month_rendered_afresh(
    world: SchoolWorld, client_for: Any, role: str
) -> None:
    _schedule(world)
    consultation_book(actor=world.user("guardian"), slot=_slot(world))
    client = client_for(world.user(role))
    cold = _month(client)
    assert "Parent meeting" in cold or "Consultation:" in cold
    assert _month(client) == cold
    cache.clear()
    assert _month(client) == cold
