"""Sign-out: only by POST, and the session ends on the server."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import UserSession
from kajet.accounts.tests.helpers import signed_in_client
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["guardian", "student", "teacher"])
def test_sign_out_ends_session_on_server(world: Any, role: str) -> None:
    user = world.user(role)
    client = signed_in_client(user, PASSWORD)
    key = client.session.session_key
    cookie = client.cookies["sessionid"].value
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert not Session.objects.filter(session_key=key).exists()
    assert UserSession.objects.get(key=key).ended_at is not None
    # Replaying the old cookie does not sign anyone in.
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get(reverse("accounts:sessions")).status_code == 302


def test_sign_out_needs_post(client_for: Any, world: Any) -> None:
    client = client_for(world.user("guardian"))
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("accounts:sessions")).status_code == 200
