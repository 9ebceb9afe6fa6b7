"""The viewer's calendar items on the home page (kajet.timetable.calendar_items): a class
meeting and a booking show for the right people, a new meeting, a booking and a cancellation
show on the next visit although the page is cached, and the cost does not grow with the
number of meetings."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.dashboard.tests.conftest import MONDAY
from kajet.meetings.models import ConsultationSlot, Meeting
from kajet.meetings.services import consultation_book, consultation_cancel, meeting_schedule
from kajet.testutils.factories import guardian_for

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")
WEDNESDAY = MONDAY + datetime.timedelta(days=2)
MEETING = "Parent meeting of class 6b"


def _meeting(world: Any, at: datetime.time = datetime.time(17, 0)) -> Meeting:
    return meeting_schedule(
        actor=world.user("homeroom_teacher"),
        school_class=world.school_class,
        date=WEDNESDAY,
        starts_at=at,
        room="12",
        agenda="Oceny śródroczne.",
    )


def _slot(world: Any, at: datetime.time = datetime.time(16, 0)) -> ConsultationSlot:
    until = (datetime.datetime.combine(WEDNESDAY, at) + datetime.timedelta(minutes=10)).time()
    return ConsultationSlot.objects.create(
        school=world.school,
        teacher=world.user("teacher"),
        date=WEDNESDAY,
        starts_at=at,
        ends_at=until,
        room="7",
    )


def test_guardian_sees_the_meeting_and_their_booking(world: Any, client_for: Any) -> None:
    guardian, teacher = world.user("guardian"), world.user("teacher")
    _meeting(world)
    consultation_book(actor=guardian, slot=_slot(world))
    page = client_for(guardian).get(HOME).content.decode()
    assert MEETING in page and "17:00" in page and "room 12" in page
    assert f"Consultation: {teacher.full_name}" in page
    teacher_page = client_for(teacher).get(HOME).content.decode()
    assert f"Consultation: {guardian.full_name}" in teacher_page and MEETING not in teacher_page
    assert MEETING in client_for(world.user("homeroom_teacher")).get(HOME).content.decode()
    assert MEETING in client_for(world.user("principal")).get(HOME).content.decode()
    student_page = client_for(world.user("student")).get(HOME).content.decode()
    assert MEETING not in student_page and "Consultation:" not in student_page
    other = guardian_for(world.other_student, login="rodzic2a")
    other_page = client_for(other).get(HOME).content.decode()
    assert MEETING not in other_page and "Consultation:" not in other_page


def test_another_school_sees_none_of_it(world: Any, other_world: Any, client_for: Any) -> None:
    _meeting(world)
    consultation_book(actor=world.user("guardian"), slot=_slot(world))
    for role in ("guardian", "teacher", "homeroom_teacher", "principal"):
        page = client_for(other_world.user(role)).get(HOME).content.decode()
        assert MEETING not in page and "Consultation:" not in page, role


def test_writes_show_on_the_next_visit_through_the_cache(world: Any, client_for: Any) -> None:
    guardian, teacher = world.user("guardian"), world.user("teacher")
    family, staff = client_for(guardian), client_for(teacher)
    for client in (family, staff):
        client.get(HOME)
        client.get(HOME)  # now from the cache
    _meeting(world)
    assert MEETING in family.get(HOME).content.decode()
    slot = _slot(world)
    consultation_book(actor=guardian, slot=slot)
    assert f"Consultation: {teacher.full_name}" in family.get(HOME).content.decode()
    assert f"Consultation: {guardian.full_name}" in staff.get(HOME).content.decode()
    consultation_cancel(actor=guardian, slot=slot)
    assert "Consultation:" not in family.get(HOME).content.decode()
    assert "Consultation:" not in staff.get(HOME).content.decode()


@pytest.mark.parametrize("role", ["guardian", "teacher", "homeroom_teacher", "principal"])
def test_cost_does_not_grow_with_meetings(world: Any, client_for: Any, role: str) -> None:
    """1, then 10 meetings and bookings: the same queries, warm and cold (the budgets with
    a full school are asserted in test_home.py, with ``COLD_EXTRA``)."""
    client = client_for(world.user(role))
    client.get(HOME)
    warm, cold = [], []
    made = 0
    for total in (1, 10):
        while made < total:
            at = (datetime.datetime(2000, 1, 1, 8) + datetime.timedelta(minutes=10 * made)).time()
            _meeting(world, at)
            booker = (
                world.user("guardian")
                if made == 0
                else guardian_for(world.student, login=f"rodzic{made}")
            )
            consultation_book(actor=booker, slot=_slot(world, at))
            made += 1
        client.get(HOME)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(HOME).content.decode()
        warm.append(len(queries))
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(HOME)
        cold.append(len(queries))
        if role in ("homeroom_teacher", "principal"):
            assert page.count(MEETING) == total
        if role == "teacher":
            assert page.count("Consultation:") == total
    assert warm[0] == warm[1] and cold[0] == cold[1]
