"""SessionGuardMiddleware: idle timeouts per role and school, the absolute lifetime, and the
forced password change (time moved with time-machine)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.accounts.models import UserSession
from kajet.accounts.tests.helpers import signed_in_client
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:sessions")


def is_signed_in(client: Client) -> bool:
    response = client.get(PAGE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    return False


@pytest.mark.parametrize(
    ("role", "minutes"),
    [("teacher", 30), ("principal", 30), ("guardian", 60), ("student", 60)],
)
def test_default_idle_timeouts(world: Any, role: str, minutes: int) -> None:
    user = world.user(role)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in_client(user, PASSWORD)
        traveller.shift(timedelta(minutes=minutes - 1))
        assert is_signed_in(client)  # activity restarts the idle clock
        traveller.shift(timedelta(minutes=minutes - 1))
        assert is_signed_in(client)
        key = client.session.session_key
        traveller.shift(timedelta(minutes=minutes, seconds=1))
        assert not is_signed_in(client)
    assert not Session.objects.filter(session_key=key).exists()
    assert UserSession.objects.get(key=key).ended_at is not None


def test_expired_session_is_told_and_returns_to_the_page(world: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in_client(world.user("teacher"), PASSWORD)
        traveller.shift(timedelta(minutes=31))
        response = client.get(PAGE + "?x=1")
        assert response["Location"] == (
            reverse("accounts:login") + "?next=%2Fkonto%2Fsesje%2F%3Fx%3D1&wygasla=1"
        )
        page = client.get(response["Location"])
        assert "Your session has expired" in page.content.decode()
        # Choosing the kind of account keeps where to go back to.
        assert "next=%2Fkonto%2Fsesje%2F%3Fx%3D1" in page.content.decode()


def test_school_configures_idle_timeouts(world: Any, other_world: Any) -> None:
    world.school.staff_idle_minutes = 5
    world.school.family_idle_minutes = 10
    world.school.save()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        teacher = signed_in_client(world.user("teacher"), PASSWORD)
        guardian = signed_in_client(world.user("guardian"), PASSWORD)
        other_teacher = signed_in_client(other_world.user("teacher"), PASSWORD)
        traveller.shift(timedelta(minutes=6))
        assert not is_signed_in(teacher)
        assert is_signed_in(guardian)
        assert is_signed_in(other_teacher)  # school B keeps the default 30 minutes
        traveller.shift(timedelta(minutes=11))
        assert not is_signed_in(guardian)


def test_absolute_lifetime(world: Any) -> None:
    hours = settings.SESSION_COOKIE_AGE // 3600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in_client(world.user("guardian"), PASSWORD)
        for _ in range(hours * 2 - 1):  # busy all the time: every 30 minutes
            traveller.shift(timedelta(minutes=30))
            assert is_signed_in(client)
        traveller.shift(timedelta(minutes=30, seconds=1))
        assert not is_signed_in(client)


def test_activity_is_written_back_at_most_once_a_minute(world: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in_client(world.user("guardian"), PASSWORD)
        device = UserSession.objects.get(key=client.session.session_key)
        traveller.shift(timedelta(seconds=30))
        client.get(PAGE)
        device.refresh_from_db()
        assert timezone.now() - device.last_seen_at >= timedelta(seconds=30)
        traveller.shift(timedelta(seconds=31))
        client.get(PAGE)
        device.refresh_from_db()
        assert device.last_seen_at == timezone.now()


def test_api_with_an_expired_session_is_anonymous_not_redirected(world: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in_client(world.user("teacher"), PASSWORD)
        assert client.get("/api/v1/me").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"


def test_forced_password_change_blocks_pages_and_session_api(client_for: Any, world: Any) -> None:
    user = world.user("guardian")
    user.must_change_password = True
    user.save()
    client = client_for(user)
    assert client.get(PAGE)["Location"] == reverse("accounts:password_change")
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert client.get("/healthz").status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
