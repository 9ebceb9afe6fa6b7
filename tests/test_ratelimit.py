"""Rate limits for signed-in users: writes per user and per school on pages and the API, every
API request per user; 429 with Retry-After, nothing stored by a refused request."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from kajet.accounts.models import User
from kajet.accounts.ratelimit import Limit, limits_for
from kajet.api.tests.helpers import bearer, token_for
from kajet.messaging.models import Message
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


@pytest.fixture
def tight(settings: Any) -> None:
    settings.KAJET_RATE_LIMITS = {"user_write": "5/m", "user_api": "8/m", "school_write": "9/m"}


@pytest.mark.parametrize(
    ("method", "api", "school", "expected"),
    [
        ("GET", False, 3, []),
        ("HEAD", False, 3, []),
        ("POST", False, 3, [Limit("user_write", "u7"), Limit("school_write", "s3")]),
        ("DELETE", False, None, [Limit("user_write", "u7")]),
        ("GET", True, 3, [Limit("user_api", "u7")]),
        (
            "PATCH",
            True,
            3,
            [Limit("user_api", "u7"), Limit("user_write", "u7"), Limit("school_write", "s3")],
        ),
    ],
)
def test_which_counters_a_request_adds_to(
    method: str, api: bool, school: int | None, expected: list[Limit]
) -> None:
    user = User(pk=7, school_id=school)
    assert limits_for(user, method, api=api) == expected


def test_a_student_sending_a_hundred_messages_is_stopped(world: SchoolWorld, tight: None) -> None:
    student = world.user("student")
    teacher = world.user("homeroom_teacher")
    headers: dict[str, Any] = bearer(token_for(student))
    statuses = []
    for i in range(100):
        response = Client().post(
            reverse("api:message-send"),
            {
                "recipients": [f"person:{teacher.pk}"],
                "subject": f"Pytanie {i}",
                "body": "?",
                "idempotency_key": str(uuid.uuid4()),
            },
            content_type="application/json",
            **headers,
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert 1 <= int(response["Retry-After"]) <= 60
            assert response.json()["detail"]
    # the token request itself is not a signed-in write; five messages pass, the rest wait
    assert statuses[:5] == [201] * 5
    assert set(statuses[5:]) == {429}
    assert Message.objects.filter(sender=student).count() == 5


def test_api_reads_are_limited_per_user(world: SchoolWorld, tight: None) -> None:
    headers: dict[str, Any] = bearer(token_for(world.user("guardian")))
    statuses = [Client().get("/api/v1/notifications", **headers).status_code for _ in range(10)]
    assert statuses == [200] * 8 + [429] * 2
    # another user has their own counter
    other: dict[str, Any] = bearer(token_for(world.user("student")))
    assert Client().get("/api/v1/notifications", **other).status_code == 200


def test_page_writes_get_a_polish_page_and_store_nothing(
    world: SchoolWorld, client_for: ClientFor, tight: None
) -> None:
    client = client_for(world.user("guardian"))
    client.cookies["django_language"] = "pl"
    homeroom = world.user("homeroom_teacher")
    responses = [
        client.post(
            reverse("messaging:compose"),
            {
                "recipients": [f"person:{homeroom.pk}"],
                "subject": f"Wycieczka {i}",
                "body": "Czy są wolne miejsca?",
                "idempotency_key": str(uuid.uuid4()),
            },
        )
        for i in range(7)
    ]
    assert [r.status_code for r in responses] == [302] * 5 + [429] * 2
    refused = responses[-1]
    assert int(refused["Retry-After"]) >= 1
    assert "Zbyt wiele" in refused.content.decode()
    assert Message.objects.count() == 5
    # reading pages is not limited
    assert client.get(reverse("messaging:sent")).status_code == 200


def test_a_school_has_one_ceiling_for_all_its_users(
    world: SchoolWorld, other_world: SchoolWorld, client_for: ClientFor, tight: None
) -> None:
    statuses = []
    for role in ("guardian", "student", "teacher"):  # 3 users × 4 writes = 12 > 9
        client = client_for(world.user(role))
        for _ in range(4):
            statuses.append(client.post(reverse("notifications:mark_all_read")).status_code)
    assert statuses.count(429) == 3
    with scopes_disabled():
        other = client_for(other_world.user("guardian"))
    assert other.post(reverse("notifications:mark_all_read")).status_code == 302
