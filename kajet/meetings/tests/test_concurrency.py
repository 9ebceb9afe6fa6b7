"""Two guardians book the last slot at once: the first gets it, the second waits for the
first's transaction and gets a clear "taken" message. On PostgreSQL with two real concurrent
transactions."""

from __future__ import annotations

import datetime

import pytest

from kajet.core.models import HistoryEntry
from kajet.meetings import services
from kajet.meetings.models import ConsultationBooking, ConsultationSlot
from kajet.meetings.tests.conftest import make_slot
from kajet.testutils.concurrency import race
from kajet.testutils.factories import SchoolWorld, guardian_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_guardians_book_the_last_slot_at_once(world: SchoolWorld) -> None:
    slot = make_slot(world)
    first_guardian = world.user("guardian")
    second_guardian = guardian_for(world.other_student, login="rodzic2a")

    def second_read() -> ConsultationSlot:
        theirs = ConsultationSlot.objects.get(pk=slot.pk)
        # The first booking is not committed yet: the slot still looks free.
        assert not ConsultationBooking.objects.filter(slot=theirs).exists()
        return theirs

    outcome = race(
        first_write=lambda: services.consultation_book(actor=first_guardian, slot=slot),
        second_read=second_read,
        second_write=lambda theirs: services.consultation_book(actor=second_guardian, slot=theirs),
        conflict=services.SlotTaken,
    )
    assert outcome.first == "saved"
    taken = outcome.second
    assert isinstance(taken, services.SlotTaken), taken
    assert taken.message == "Someone else has just booked this slot. Please choose another."
    assert outcome.waited >= 0.3  # it really waited for the first transaction
    booking = ConsultationBooking.objects.get()
    assert booking.guardian_id == first_guardian.pk
    assert HistoryEntry.objects.filter(code="meetings.booking.created").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_booking_of_a_slot(world: SchoolWorld) -> None:
    """The constraints hold even when the service is bypassed."""
    from django.db import IntegrityError, transaction

    slot = make_slot(world)
    ConsultationBooking.objects.create(
        school=world.school,
        slot=slot,
        guardian=world.user("guardian"),
        teacher=slot.teacher,
        date=slot.date,
    )
    other = guardian_for(world.other_student, login="rodzic2a")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationBooking.objects.create(
            school=world.school, slot=slot, guardian=other, teacher=slot.teacher, date=slot.date
        )
    later = make_slot(world, starts_at=slot.ends_at, ends_at=slot.ends_at.replace(minute=20))
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationBooking.objects.create(
            school=world.school,
            slot=later,
            guardian=world.user("guardian"),
            teacher=slot.teacher,
            date=slot.date,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_guardian_books_two_slots_of_a_teacher_at_once(world: SchoolWorld) -> None:
    """Two slots, so no shared lock: the one-per-teacher-per-day constraint makes the second
    wait for the first and refuses it with the right message."""
    first_slot = make_slot(world)
    second_slot = make_slot(world, starts_at=first_slot.ends_at, ends_at=datetime.time(16, 20))
    guardian = world.user("guardian")

    outcome = race(
        first_write=lambda: services.consultation_book(actor=guardian, slot=first_slot),
        second_read=lambda: ConsultationSlot.objects.get(pk=second_slot.pk),
        second_write=lambda theirs: services.consultation_book(actor=guardian, slot=theirs),
        conflict=services.SlotTaken,
    )
    assert outcome.first == "saved"
    refused = outcome.second
    assert isinstance(refused, services.SlotTaken), refused
    assert refused.message.startswith("You already have a slot with this teacher that day.")
    assert outcome.waited >= 0.3
    assert list(ConsultationBooking.objects.values_list("slot_id", flat=True)) == [first_slot.pk]
