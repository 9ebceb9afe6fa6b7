"""Notifications over the API: list, unread, mark read, preferences, push devices."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from kajet.api.tests.helpers import bearer, token_for
from kajet.notifications.models import Notification, NotificationPreference, PushSubscription

pytestmark = pytest.mark.django_db
API = "/api/v1/notifications"
KEY = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"


def call(user: Any, method: str, url: str, data: Any = None) -> Any:
    kwargs: dict[str, Any] = bearer(token_for(user))
    if data is not None:
        kwargs |= {"data": data, "content_type": "application/json"}
    return getattr(Client(), method)(API + url, **kwargs)


def test_list_unread_and_mark_read(world: Any, other_world: Any) -> None:
    guardian = world.user("guardian")
    mine = [
        Notification.objects.create(school=world.school, user=guardian, kind="grade", title=f"n{i}")
        for i in range(3)
    ]
    theirs = Notification.objects.create(
        school=other_world.school, user=other_world.user("guardian"), kind="grade", title="obca"
    )
    listed = call(guardian, "get", "").json()
    assert listed["unread"] == 3
    assert sorted(n["title"] for n in listed["results"]) == ["n0", "n1", "n2"]
    assert call(guardian, "get", "/unread").json() == {"unread": 3}
    assert call(guardian, "post", "/read", {"ids": [mine[0].pk]}).json() == {"marked": 1}
    # someone else's notification id changes nothing
    assert call(guardian, "post", "/read", {"ids": [theirs.pk]}).json() == {"marked": 0}
    assert call(guardian, "post", "/read", {"ids": ["x"]}).status_code == 400
    assert call(guardian, "post", "/read", {}).json() == {"marked": 2}
    with scopes_disabled():
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_preferences_get_and_set(world: Any) -> None:
    teacher = world.user("teacher")
    got = call(teacher, "get", "/preferences").json()
    assert got["kinds"]["message"] == {"email": "immediate", "push": True}
    assert got["quiet_from"] == "21:00:00" and got["email_confirmed"] is False
    changed = call(
        teacher,
        "patch",
        "/preferences",
        {"kinds": {"grade": {"email": "digest", "push": True}}, "digest_hour": 6},
    )
    assert changed.status_code == 200
    assert changed.json()["kinds"]["grade"] == {"email": "digest", "push": True}
    assert changed.json()["digest_hour"] == 6


@pytest.mark.parametrize(
    "body",
    [
        {"kinds": {"bogus": {"email": "off", "push": False}}},
        {"kinds": {"grade": {"email": "hourly", "push": False}}},
        {"kinds": {"grade": {"email": "off", "push": False}, "bogus": {}}},
        {"digest_hour": 25},
        {"quiet_from": "late"},
    ],
)
def test_bad_preferences_change_nothing(world: Any, body: dict[str, Any]) -> None:
    guardian = world.user("guardian")
    response = call(guardian, "patch", "/preferences", body)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not NotificationPreference.objects.filter(user=guardian).exists()


def test_push_subscriptions(world: Any, other_world: Any) -> None:
    guardian = world.user("guardian")
    sub = {"endpoint": "https://push.example.org/x", "keys": {"p256dh": KEY, "auth": "a" * 22}}
    assert call(guardian, "post", "/push-subscriptions", {"endpoint": "nope"}).status_code == 400
    created = call(guardian, "post", "/push-subscriptions", sub)
    assert created.status_code == 201
    device_id = created.json()["id"]
    listed = call(guardian, "get", "/push-subscriptions").json()
    assert [d["id"] for d in listed["devices"]] == [device_id]
    url = f"/push-subscriptions/{device_id}"
    assert call(other_world.user("guardian"), "delete", url).status_code == 404
    assert call(world.user("student"), "delete", url).status_code == 404
    assert call(guardian, "delete", url).status_code == 204
    assert not PushSubscription.objects.exists()


def test_anonymous_gets_401() -> None:
    assert Client().get(API).status_code in (401, 403)
