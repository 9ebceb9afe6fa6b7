"""Consultation slots over the API: list, book, cancel — the same rules as the pages, three
ways (right role, wrong role, another school), a taken slot answers 409 and changes nothing,
constant queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kajet.api.tests.helpers import bearer, token_for
from kajet.meetings.models import ConsultationBooking, ConsultationSlot
from kajet.testutils.factories import SchoolWorld, guardian_for

pytestmark = pytest.mark.django_db

LIST = reverse("api:consultation-slots")
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _slot(world: SchoolWorld, **kw: Any) -> ConsultationSlot:
    values: dict[str, Any] = {
        "school": world.school,
        "teacher": world.user("teacher"),
        "date": TOMORROW,
        "starts_at": datetime.time(16, 0),
        "ends_at": datetime.time(16, 10),
        "room": "7",
    }
    values.update(kw)
    return ConsultationSlot.objects.create(**values)


def _book(world: SchoolWorld, slot: ConsultationSlot, guardian: Any) -> ConsultationBooking:
    return ConsultationBooking.objects.create(
        school=world.school, slot=slot, guardian=guardian, teacher=slot.teacher, date=slot.date
    )


def _get(user: Any, url: str, **params: Any) -> Any:
    return Client().get(url, params, **bearer(token_for(user)))


def _post(user: Any, url: str) -> Any:
    return Client().post(url, {}, content_type="application/json", **bearer(token_for(user)))


def _book_url(slot: ConsultationSlot) -> str:
    return reverse("api:consultation-slot-book", args=[slot.pk])


def _cancel_url(slot: ConsultationSlot) -> str:
    return reverse("api:consultation-slot-cancel", args=[slot.pk])


def test_guardian_lists_free_slots_and_their_own_bookings(world: SchoolWorld) -> None:
    free = _slot(world)
    mine = _slot(world, starts_at=datetime.time(16, 10), ends_at=datetime.time(16, 20))
    theirs = _slot(world, starts_at=datetime.time(16, 20), ends_at=datetime.time(16, 30))
    _book(world, mine, world.user("guardian"))
    _book(world, theirs, guardian_for(world.other_student, login="rodzic2a"))
    response = _get(world.user("guardian"), LIST, teacher=world.user("teacher").pk)
    assert response.status_code == 200
    body = response.json()
    rows = {row["id"]: row for row in body["slots"]}
    assert set(rows) == {free.pk, mine.pk}  # another guardian's booking is not shown
    assert rows[free.pk]["free"] is True and rows[free.pk]["booked_by"] is None
    assert rows[mine.pk]["booked_by_me"] is True
    assert rows[free.pk]["starts_at"] == "16:00"
    assert body["cancel_before_hours"] == 2


def test_teacher_lists_own_slots_with_who_booked(world: SchoolWorld) -> None:
    slot = _slot(world)
    _slot(world, teacher=world.user("homeroom_teacher"))  # someone else's
    _book(world, slot, world.user("guardian"))
    rows = _get(world.user("teacher"), LIST).json()["slots"]
    assert [r["id"] for r in rows] == [slot.pk]
    assert rows[0]["booked_by"]["name"] == world.user("guardian").full_name


@pytest.mark.parametrize("role", ["student", "secretariat", "school_admin"])
def test_list_refused_to_other_roles(world: SchoolWorld, role: str) -> None:
    assert _get(world.user(role), LIST).status_code == 404


def test_guardian_books_and_cancels(world: SchoolWorld) -> None:
    slot = _slot(world)
    guardian = world.user("guardian")
    response = _post(guardian, _book_url(slot))
    assert response.status_code == 201
    assert response.json()["slot"]["booked_by_me"] is True
    assert ConsultationBooking.objects.get().guardian_id == guardian.pk
    response = _post(guardian, _cancel_url(slot))
    assert response.status_code == 200 and response.json() == {
        "slot_id": slot.pk,
        "cancelled": True,
    }
    assert not ConsultationBooking.objects.exists()


def test_booking_a_taken_slot_answers_409_and_changes_nothing(world: SchoolWorld) -> None:
    slot = _slot(world)
    first = _book(world, slot, guardian_for(world.other_student, login="rodzic2a"))
    response = _post(world.user("guardian"), _book_url(slot))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Someone else has just booked this slot. Please choose another."
    )
    assert list(ConsultationBooking.objects.all()) == [first]


def test_cancelling_too_late_answers_400(world: SchoolWorld) -> None:
    soon = timezone.localtime() + datetime.timedelta(minutes=30)
    if soon.date() != timezone.localdate() or soon.hour == 23:
        pytest.skip("too close to midnight for a same-day slot")
    slot = _slot(
        world,
        date=soon.date(),
        starts_at=soon.time().replace(second=0, microsecond=0),
        ends_at=(soon + datetime.timedelta(minutes=10)).time().replace(second=0, microsecond=0),
    )
    _book(world, slot, world.user("guardian"))
    response = _post(world.user("guardian"), _cancel_url(slot))
    assert response.status_code == 400
    assert "2 hours before it starts" in response.json()["detail"]
    assert ConsultationBooking.objects.count() == 1


@pytest.mark.parametrize("role", ["student", "teacher", "principal"])
def test_only_guardians_book_and_cancel(world: SchoolWorld, role: str) -> None:
    slot = _slot(world)
    assert _post(world.user(role), _book_url(slot)).status_code == 404
    _book(world, slot, world.user("guardian"))
    assert _post(world.user(role), _cancel_url(slot)).status_code == 404
    assert ConsultationBooking.objects.count() == 1


def test_another_guardian_cannot_cancel(world: SchoolWorld) -> None:
    slot = _slot(world)
    _book(world, slot, world.user("guardian"))
    stranger = guardian_for(world.other_student, login="rodzic2a")
    assert _post(stranger, _cancel_url(slot)).status_code == 404
    assert ConsultationBooking.objects.count() == 1


def test_another_school_sees_nothing_and_gets_404(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    slot = _slot(world)
    guardian = other_world.user("guardian")
    assert _get(guardian, LIST, teacher=world.user("teacher").pk).json()["slots"] == []
    assert _post(guardian, _book_url(slot)).status_code == 404
    _book(world, slot, world.user("guardian"))
    assert _post(guardian, _cancel_url(slot)).status_code == 404
    assert ConsultationBooking.objects.count() == 1


def test_the_list_costs_the_same_with_more_slots(world: SchoolWorld) -> None:
    _book(world, _slot(world), world.user("guardian"))
    _slot(world, starts_at=datetime.time(16, 10), ends_at=datetime.time(16, 20))
    client = Client()
    headers = bearer(token_for(world.user("guardian")))
    client.get(LIST, **headers)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, **headers).status_code == 200
        return len(queries)

    few = count()
    for n in range(1, 12):
        _slot(world, date=TOMORROW + datetime.timedelta(days=n))
    assert count() == few
