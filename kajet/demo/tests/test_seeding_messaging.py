"""Demo messages: threads, class and school messages, read and unread, councils."""

from __future__ import annotations

import datetime

import pytest

from kajet.demo.seeding.messaging import seed_school_data
from kajet.demo.seeding.school import SchoolSpec, seed_school
from kajet.messaging.models import CouncilMember, Delivery, Message

pytestmark = pytest.mark.django_db


def test_seed_creates_realistic_mail() -> None:
    today = datetime.date(2026, 11, 20)
    spec = SchoolSpec(
        name="SP Test",
        short_name="SP T",
        city="Gdańsk",
        class_names=["4a", "5a"],
        students_per_class=6,
        teachers=5,
        first_login_number=6100001,
        seed=3,
    )
    seeded = seed_school(spec, today=today, password="x-Pass-2026")
    seed_school_data(seeded, today=today, scale="demo")
    assert Message.objects.filter(reply_to__isnull=False).exists()  # threads
    assert Message.objects.filter(recipient_count__gt=5).exists()  # class/school messages
    received = Delivery.objects.filter(is_sender_copy=False)
    assert received.filter(is_unread=True, first_read_at__isnull=True).exists()
    assert received.filter(is_unread=False, first_read_at__isnull=False).exists()
    # every message has exactly one sender copy, and its counters match its copies
    for message in Message.objects.all():
        copies = Delivery.objects.filter(message=message)
        assert copies.filter(is_sender_copy=True, owner=message.sender).count() == 1
        assert copies.filter(is_sender_copy=False).count() == message.recipient_count
        read = copies.filter(is_sender_copy=False, first_read_at__isnull=False).count()
        assert read == message.read_count
    assert CouncilMember.objects.count() == 6
