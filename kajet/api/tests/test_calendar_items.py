"""GET /api/v1/calendar/items: the viewer's meetings and booked consultations — right role,
wrong role, another school; bad dates answer 400 with a clear message; constant queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kajet.api.tests.helpers import bearer, token_for
from kajet.meetings.models import ConsultationBooking
from kajet.meetings.tests.conftest import make_meeting, make_slot
from kajet.testutils.factories import guardian_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/items"
SOON = timezone.localdate() + datetime.timedelta(days=3)
RANGE = {"from": SOON.isoformat(), "to": SOON.isoformat()}


def _get(user: Any, **params: Any) -> Any:
    return Client().get(URL, params, **bearer(token_for(user)))


def _setup(world: Any) -> None:
    make_meeting(world, date=SOON, room="12")
    slot = make_slot(world, date=SOON)
    ConsultationBooking.objects.create(
        school=world.school,
        slot=slot,
        guardian=world.user("guardian"),
        teacher=slot.teacher,
        date=slot.date,
    )


def test_guardian_gets_meeting_and_booking(world: Any) -> None:
    _setup(world)
    response = _get(world.user("guardian"), **RANGE)
    assert response.status_code == 200
    data = response.json()
    assert [(i["kind"], i["starts_at"]) for i in data] == [
        ("consultation", "16:00"),
        ("meeting", "17:00"),
    ]
    meeting = data[1]
    assert meeting["title"] == "Parent meeting of class 6b"
    assert meeting["place"] == "12" and meeting["ends_at"] is None
    assert meeting["date"] == SOON.isoformat() and meeting["url"].startswith("/zebrania/")
    assert data[0]["title"] == f"Consultation: {world.user('teacher').full_name}"


def test_teacher_and_principal(world: Any) -> None:
    _setup(world)
    teacher = _get(world.user("teacher"), **RANGE).json()
    assert [i["kind"] for i in teacher] == ["consultation"]
    principal = _get(world.user("principal"), **RANGE).json()
    assert [i["kind"] for i in principal] == ["meeting"]


def test_wrong_roles_get_nothing(world: Any) -> None:
    _setup(world)
    for role in ("student", "secretariat", "school_admin"):
        response = _get(world.user(role), **RANGE)
        assert response.status_code == 200 and response.json() == [], role
    other_class_guardian = guardian_for(world.other_student, login="rodzic2a")
    assert _get(other_class_guardian, **RANGE).json() == []


def test_another_school_never_sees_it(world: Any, other_world: Any) -> None:
    _setup(world)
    for role in ("guardian", "teacher", "homeroom_teacher", "principal"):
        assert _get(other_world.user(role), **RANGE).json() == [], role


def test_outside_the_range_nothing(world: Any) -> None:
    _setup(world)
    later = (SOON + datetime.timedelta(days=1)).isoformat()
    assert _get(world.user("guardian"), **{"from": later, "to": later}).json() == []
    # The default range: today and the next 31 days.
    assert len(_get(world.user("guardian")).json()) == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "jutro"}, "“from” is not a date"),
        ({"to": "2026-13-01"}, "“to” is not a date"),
        ({"from": "2026-12-10", "to": "2026-12-01"}, "“to” must not be before “from”"),
        ({"from": "2026-01-01", "to": "2027-12-31"}, "at most 400 days"),
    ],
)
def test_bad_dates_answer_400_with_a_message(world: Any, params: Any, message: str) -> None:
    response = _get(world.user("guardian"), **params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_bad_date_message_in_polish(world: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "pl"  # the product's default
    response = _get(world.user("guardian"), **{"from": "jutro"})
    assert response.status_code == 400
    assert "nie jest datą" in response.json()["detail"]


def test_constant_queries(world: Any) -> None:
    headers = bearer(token_for(world.user("principal")))
    counts = []
    for hours in (range(8, 9), range(9, 18)):  # 1, then 10 meetings
        for hour in hours:
            make_meeting(world, date=SOON, starts_at=datetime.time(hour, 0))
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(URL, RANGE, **headers)
        counts.append(len(queries))
    assert len(response.json()) == 10
    assert counts[0] == counts[1]
