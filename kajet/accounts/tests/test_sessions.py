"""The sessions page: web sessions and app tokens, "end this one", "end all others"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.accounts.models import UserSession
from kajet.accounts.tests.helpers import signed_in_client
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:sessions")


def api_token(client: Client, user: Any, agent: str = "KajetApp/1.0") -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"login": user.login, "password": PASSWORD},
        content_type="application/json",
        HTTP_USER_AGENT=agent,
    )
    assert response.status_code == 201
    return str(response.json()["token"])


def me(token: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


@pytest.mark.parametrize("role", ["guardian", "student", "teacher"])
def test_lists_web_sessions_and_app_tokens(world: Any, role: str) -> None:
    user = world.user(role)
    here = signed_in_client(user, PASSWORD, HTTP_USER_AGENT="Firefox here")
    signed_in_client(user, PASSWORD, HTTP_USER_AGENT="Chrome there")
    api_token(Client(), user)
    response = here.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Firefox here" in body and "Chrome there" in body and "KajetApp/1.0" in body
    kinds = sorted(d.kind for d in response.context["devices"])
    assert kinds == ["api", "web", "web"]
    assert body.count("this device") == 1
    assert "End all other sessions" in body
    assert "Sign out here" in body


def test_only_own_sessions_are_listed(world: Any, other_world: Any) -> None:
    client = signed_in_client(world.user("guardian"), PASSWORD)
    signed_in_client(world.user("student"), PASSWORD)
    signed_in_client(other_world.user("guardian"), PASSWORD)
    devices = client.get(PAGE).context["devices"]
    assert {d.user_id for d in devices} == {world.user("guardian").pk}


def test_end_one_other_web_session(world: Any) -> None:
    user = world.user("guardian")
    here = signed_in_client(user, PASSWORD)
    there = signed_in_client(user, PASSWORD)
    device = UserSession.objects.get(key=there.session.session_key)
    response = here.post(reverse("accounts:session_end", args=[device.pk]))
    assert response["Location"] == PAGE
    assert not Session.objects.filter(session_key=device.key).exists()
    assert there.get(PAGE).status_code == 302
    assert here.get(PAGE).status_code == 200


def test_ending_a_token_makes_the_api_refuse_it(world: Any) -> None:
    user = world.user("student")
    here = signed_in_client(user, PASSWORD)
    token = api_token(Client(), user)
    assert me(token) == 200
    device = UserSession.objects.get(user=user, kind="api")
    here.post(reverse("accounts:session_end", args=[device.pk]))
    assert me(token) == 401


def test_end_this_one_signs_out_here(world: Any) -> None:
    user = world.user("guardian")
    client = signed_in_client(user, PASSWORD)
    key = client.session.session_key
    device = UserSession.objects.get(key=key)
    response = client.post(reverse("accounts:session_end", args=[device.pk]))
    assert response["Location"] == reverse("accounts:login")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(PAGE).status_code == 302


def test_end_all_others(world: Any) -> None:
    user = world.user("teacher")
    here = signed_in_client(user, PASSWORD)
    there = signed_in_client(user, PASSWORD)
    token = api_token(Client(), user)
    response = here.post(reverse("accounts:sessions_end_others"))
    assert response["Location"] == PAGE
    assert there.get(PAGE).status_code == 302
    assert me(token) == 401
    assert here.get(PAGE).status_code == 200
    assert [d.key for d in here.get(PAGE).context["devices"]] == [here.session.session_key]


def test_someone_elses_session_is_404(world: Any, other_world: Any) -> None:
    mine = signed_in_client(world.user("guardian"), PASSWORD)
    for owner in (world.user("student"), other_world.user("guardian")):
        theirs = signed_in_client(owner, PASSWORD)
        device = UserSession.objects.get(key=theirs.session.session_key)
        assert mine.post(reverse("accounts:session_end", args=[device.pk])).status_code == 404
        assert theirs.get(PAGE).status_code == 200


def test_ending_needs_post(world: Any) -> None:
    client = signed_in_client(world.user("guardian"), PASSWORD)
    device = UserSession.objects.get(key=client.session.session_key)
    assert client.get(reverse("accounts:session_end", args=[device.pk])).status_code == 405
    assert client.get(reverse("accounts:sessions_end_others")).status_code == 405


def test_idle_sessions_are_not_listed(world: Any) -> None:
    user = world.user("teacher")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        old = signed_in_client(user, PASSWORD, HTTP_USER_AGENT="forgotten")
        traveller.shift(timedelta(minutes=31))
        client = signed_in_client(user, PASSWORD)
        devices = client.get(PAGE).context["devices"]
        assert [d.key for d in devices] == [client.session.session_key]
        assert old.session.session_key is not None


def test_shows_previous_sign_in_and_recent_attempts(world: Any) -> None:
    user = world.user("guardian")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        signed_in_client(user, PASSWORD, REMOTE_ADDR="10.0.0.7")
        traveller.shift(timedelta(hours=2))
        client = signed_in_client(user, PASSWORD, REMOTE_ADDR="10.0.0.8")
        response = client.get(PAGE)
    assert response.context["last_sign_in"].ip == "10.0.0.7"
    body = response.content.decode()
    assert "Previous successful sign-in" in body and "10.0.0.7" in body
    assert reverse("accounts:signin_history") in body


def test_query_count_is_constant(world: Any, django_assert_max_num_queries: Any) -> None:
    user = world.user("guardian")
    client = signed_in_client(user, PASSWORD)
    for _ in range(5):
        signed_in_client(user, PASSWORD)
        api_token(Client(), user)
    with django_assert_max_num_queries(8):
        assert client.get(PAGE).status_code == 200


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    assert client.get(PAGE)["Location"].startswith(reverse("accounts:login"))
