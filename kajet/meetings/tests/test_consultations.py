"""Consultations: publishing hours as slots, the teacher's day list, booking and cancelling —
each for the right role, a wrong role and another school's user; a taken slot gets a clear
message and changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kajet.core.models import HistoryEntry
from kajet.meetings.models import ConsultationBooking, ConsultationSlot
from kajet.meetings.tests.conftest import make_slot
from kajet.testutils.factories import StudentFactory, guardian_for

pytestmark = pytest.mark.django_db

PAGE = reverse("meetings:consultations")
PUBLISH = reverse("meetings:slots_add")
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def book(client: Any, slot: ConsultationSlot) -> Any:
    return client.post(reverse("meetings:book", args=[slot.pk]), follow=True)


def _booking(world: Any, slot: ConsultationSlot, guardian: Any) -> ConsultationBooking:
    return ConsultationBooking.objects.create(
        school=world.school, slot=slot, guardian=guardian, teacher=slot.teacher, date=slot.date
    )


# --- the page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["guardian", "teacher", "homeroom_teacher", "pedagogue", "psychologist", "principal"]
)
def test_page_opens_for_those_who_hold_or_book_consultations(
    world: Any, client_for: Any, role: str
) -> None:
    assert client_for(world.user(role)).get(PAGE).status_code == 200


@pytest.mark.parametrize("role", ["student", "secretariat", "school_admin"])
def test_page_refused_to_other_roles(world: Any, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).get(PAGE).status_code == 404
    assert client_for(world.user(role)).get(PUBLISH).status_code == 404


def test_guardian_sees_the_teachers_free_slots(
    world: Any, client_for: Any, slot: ConsultationSlot
) -> None:
    taken = make_slot(world, starts_at=datetime.time(16, 10), ends_at=datetime.time(16, 20))
    _booking(world, taken, guardian_for(world.other_student, login="rodzic2a"))
    client = client_for(world.user("guardian"))
    page = client.get(PAGE).content.decode()
    assert world.user("teacher").full_name in page
    page = client.get(f"{PAGE}?nauczyciel={world.user('teacher').pk}").content.decode()
    assert "16:00–16:10" in page and "16:10–16:20" not in page


def test_teacher_sees_the_days_list_with_who_booked(
    world: Any, client_for: Any, slot: ConsultationSlot
) -> None:
    make_slot(world, starts_at=datetime.time(16, 10), ends_at=datetime.time(16, 20))
    _booking(world, slot, world.user("guardian"))
    page = client_for(world.user("teacher")).get(f"{PAGE}?dzien={TOMORROW.isoformat()}")
    text = page.content.decode()
    assert world.user("guardian").full_name in text
    assert world.student.user.full_name in text  # whose guardian
    assert "free" in text
    assert "(1/2)" in text  # the day's booked/all in the day list


def test_another_school_sees_no_slots_and_gets_404(
    world: Any, other_world: Any, client_for: Any, slot: ConsultationSlot
) -> None:
    guardian = client_for(other_world.user("guardian"))
    page = guardian.get(f"{PAGE}?nauczyciel={world.user('teacher').pk}").content.decode()
    assert world.user("teacher").full_name not in page
    assert book(guardian, slot).status_code == 404
    assert not ConsultationBooking.objects.exists()
    teacher = client_for(other_world.user("teacher"))
    assert teacher.post(reverse("meetings:slot_remove", args=[slot.pk])).status_code == 404
    _booking(world, slot, world.user("guardian"))
    assert guardian.post(reverse("meetings:cancel", args=[slot.pk])).status_code == 404
    assert ConsultationBooking.objects.count() == 1


# --- publishing ------------------------------------------------------------------------------


def _hours(**kw: Any) -> dict[str, Any]:
    return {
        "date": TOMORROW.isoformat(),
        "starts_at": "16:00",
        "ends_at": "16:30",
        "minutes": 10,
        "room": "7",
    } | kw


def test_teacher_publishes_hours_as_slots(world: Any, client_for: Any) -> None:
    client = client_for(world.user("teacher"))
    assert client.get(PUBLISH).status_code == 200
    response = client.post(PUBLISH, _hours())
    assert response.status_code == 302
    slots = list(ConsultationSlot.objects.values_list("starts_at", "ends_at", "room"))
    assert [s[0] for s in slots] == [
        datetime.time(16, 0),
        datetime.time(16, 10),
        datetime.time(16, 20),
    ]
    assert HistoryEntry.objects.filter(code="meetings.slot.published").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_at": "16:05"}, "The hours are too short for one slot."),
        ({"date": "2020-01-01"}, "Consultation hours cannot be published in the past."),
        ({"minutes": 2}, "Ensure this value is greater than or equal to 5."),
        ({"starts_at": "15:55", "ends_at": "16:30"}, "overlap consultation slots"),
    ],
)
def test_bad_hours_change_nothing(
    world: Any, client_for: Any, slot: ConsultationSlot, change: dict[str, Any], message: str
) -> None:
    client = client_for(world.user("teacher"))
    response = client.post(PUBLISH, _hours(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ConsultationSlot.objects.count() == 1


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_family_cannot_publish(world: Any, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).post(PUBLISH, _hours()).status_code == 404
    assert not ConsultationSlot.objects.exists()


def test_teacher_removes_a_free_slot_but_not_a_booked_one(
    world: Any, client_for: Any, slot: ConsultationSlot
) -> None:
    booked = make_slot(world, starts_at=datetime.time(16, 10), ends_at=datetime.time(16, 20))
    _booking(world, booked, world.user("guardian"))
    client = client_for(world.user("teacher"))
    client.post(reverse("meetings:slot_remove", args=[slot.pk]))
    response = client.post(reverse("meetings:slot_remove", args=[booked.pk]), follow=True)
    assert "This slot is booked; it cannot be removed." in response.content.decode()
    assert list(ConsultationSlot.objects.values_list("pk", flat=True)) == [booked.pk]
    other_teacher = client_for(world.user("homeroom_teacher"))
    assert other_teacher.post(reverse("meetings:slot_remove", args=[booked.pk])).status_code == 404


# --- booking and cancelling ------------------------------------------------------------------


def test_guardian_books_a_slot(world: Any, client_for: Any, slot: ConsultationSlot) -> None:
    response = book(client_for(world.user("guardian")), slot)
    assert "Booked: " in response.content.decode()
    booking = ConsultationBooking.objects.get()
    assert (booking.slot_id, booking.guardian_id, booking.teacher_id, booking.date) == (
        slot.pk,
        world.user("guardian").pk,
        world.user("teacher").pk,
        slot.date,
    )
    assert HistoryEntry.objects.filter(code="meetings.booking.created").count() == 1


def test_booking_a_taken_slot_gets_a_clear_message_and_changes_nothing(
    world: Any, client_for: Any, slot: ConsultationSlot
) -> None:
    first = _booking(world, slot, guardian_for(world.other_student, login="rodzic2a"))
    response = book(client_for(world.user("guardian")), slot)
    assert "Someone else has just booked this slot. Please choose another." in (
        response.content.decode()
    )
    assert list(ConsultationBooking.objects.all()) == [first]
    assert not HistoryEntry.objects.filter(code="meetings.booking.created").exists()


def test_one_slot_per_teacher_per_day(world: Any, client_for: Any, slot: ConsultationSlot) -> None:
    second = make_slot(world, starts_at=datetime.time(16, 10), ends_at=datetime.time(16, 20))
    other_day = make_slot(world, date=TOMORROW + datetime.timedelta(days=1))
    client = client_for(world.user("guardian"))
    book(client, slot)
    response = book(client, second)
    assert "You already have a slot with this teacher that day." in response.content.decode()
    book(client, other_day)
    assert set(ConsultationBooking.objects.values_list("slot_id", flat=True)) == {
        slot.pk,
        other_day.pk,
    }


def test_a_started_slot_cannot_be_booked(world: Any, client_for: Any) -> None:
    past = make_slot(world, date=timezone.localdate() - datetime.timedelta(days=1))
    response = book(client_for(world.user("guardian")), past)
    assert "This slot has already started." in response.content.decode()
    assert not ConsultationBooking.objects.exists()


@pytest.mark.parametrize("role", ["student", "teacher", "principal"])
def test_only_guardians_book(
    world: Any, client_for: Any, slot: ConsultationSlot, role: str
) -> None:
    assert book(client_for(world.user(role)), slot).status_code == 404
    assert not ConsultationBooking.objects.exists()


def test_guardian_cancels_their_booking_in_time(
    world: Any, client_for: Any, slot: ConsultationSlot
) -> None:
    _booking(world, slot, world.user("guardian"))
    stranger = client_for(guardian_for(world.other_student, login="rodzic2a"))
    assert stranger.post(reverse("meetings:cancel", args=[slot.pk])).status_code == 404
    response = client_for(world.user("guardian")).post(
        reverse("meetings:cancel", args=[slot.pk]), follow=True
    )
    assert "The booking has been cancelled." in response.content.decode()
    assert not ConsultationBooking.objects.exists()
    assert HistoryEntry.objects.filter(code="meetings.booking.cancelled").count() == 1


def test_a_booking_too_close_to_its_start_cannot_be_cancelled(world: Any, client_for: Any) -> None:
    soon = timezone.localtime() + datetime.timedelta(minutes=30)
    if soon.date() != timezone.localdate():
        pytest.skip("too close to midnight for a same-day slot")
    slot = make_slot(
        world,
        date=soon.date(),
        starts_at=soon.time().replace(microsecond=0),
        ends_at=(soon + datetime.timedelta(minutes=10)).time().replace(microsecond=0)
        if (soon + datetime.timedelta(minutes=10)).date() == soon.date()
        else datetime.time(23, 59, 59),
    )
    _booking(world, slot, world.user("guardian"))
    client = client_for(world.user("guardian"))
    page = client.get(PAGE).content.decode()
    assert "Too late to cancel here" in page and "Cancel the booking" not in page
    response = client.post(reverse("meetings:cancel", args=[slot.pk]), follow=True)
    assert "can be cancelled up to 2 hours before it starts" in response.content.decode()
    assert ConsultationBooking.objects.count() == 1


# --- query budget ----------------------------------------------------------------------------


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_cost_the_same_with_more_slots(
    world: Any, client_for: Any, slot: ConsultationSlot
) -> None:
    _booking(world, slot, world.user("guardian"))
    make_slot(world, starts_at=datetime.time(16, 10), ends_at=datetime.time(16, 20))  # free
    teacher = client_for(world.user("teacher"))
    guardian = client_for(world.user("guardian"))
    day_url = f"{PAGE}?dzien={TOMORROW.isoformat()}"
    free_url = f"{PAGE}?nauczyciel={world.user('teacher').pk}"
    teacher.get(PAGE)
    guardian.get(PAGE)
    few = (_count(teacher, day_url), _count(guardian, free_url))
    for n in range(1, 12):
        extra = make_slot(
            world,
            starts_at=datetime.time(17, n),
            ends_at=datetime.time(17, n + 1) if n < 59 else datetime.time(18, 0),
        )
        make_slot(world, date=TOMORROW + datetime.timedelta(days=n))
        student = StudentFactory(
            school=world.school, school_class=world.school_class, class_number=n + 1
        )
        _booking(world, extra, guardian_for(student))
    assert (_count(teacher, day_url), _count(guardian, free_url)) == few
