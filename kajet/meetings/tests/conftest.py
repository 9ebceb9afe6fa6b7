from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from kajet.meetings.models import ConsultationSlot, Meeting
from kajet.testutils.browser_fixtures import browser, signed_in

__all__ = ["browser", "make_meeting", "make_slot", "meeting", "signed_in", "slot"]

TOMORROW = datetime.timedelta(days=1)


def make_meeting(world: Any, **kw: Any) -> Meeting:
    values: dict[str, Any] = {
        "school": world.school,
        "school_class": world.school_class,
        "date": timezone.localdate() + TOMORROW,
        "starts_at": datetime.time(17, 0),
        "room": "12",
        "agenda": "Wycieczka klasowa i oceny śródroczne.",
        "created_by": world.user("homeroom_teacher"),
    }
    values.update(kw)
    return Meeting.objects.create(**values)


def make_slot(world: Any, **kw: Any) -> ConsultationSlot:
    values: dict[str, Any] = {
        "school": world.school,
        "teacher": world.user("teacher"),
        "date": timezone.localdate() + TOMORROW,
        "starts_at": datetime.time(16, 0),
        "ends_at": datetime.time(16, 10),
        "room": "7",
    }
    values.update(kw)
    return ConsultationSlot.objects.create(**values)


@pytest.fixture
def meeting(world: Any) -> Meeting:
    return make_meeting(world)


@pytest.fixture
def slot(world: Any) -> ConsultationSlot:
    return make_slot(world)
