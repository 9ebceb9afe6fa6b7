"""The sign-in history page: the user's own attempts, newest first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.accounts.models import SignInAttempt
from kajet.accounts.tests.helpers import FAMILY, post_signin, signed_in_client
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:signin_history")


def test_lists_own_attempts_newest_first(world: Any, other_world: Any) -> None:
    user = world.user("guardian")
    post_signin(
        Client(), FAMILY, user.login, "wrong", HTTP_USER_AGENT="Evil/1", REMOTE_ADDR="10.6.6.6"
    )
    post_signin(Client(), FAMILY, world.user("student").login, "wrong")
    post_signin(Client(), FAMILY, other_world.user("guardian").login, "wrong")
    client = signed_in_client(user, PASSWORD, HTTP_USER_AGENT="Mine/1")
    response = client.get(PAGE)
    assert response.status_code == 200
    attempts = response.context["attempts"]
    assert [a.result for a in attempts] == ["success", "bad_credentials"]
    assert {a.user_id for a in attempts} == {user.pk}
    body = response.content.decode()
    assert "10.6.6.6" in body and "Evil/1" in body and "Mine/1" in body


def test_is_limited(world: Any) -> None:
    user = world.user("teacher")
    yesterday = timezone.now() - timedelta(days=1)
    SignInAttempt.objects.bulk_create(
        SignInAttempt(login=user.login, user=user, result="bad_credentials", at=yesterday)
        for _ in range(80)
    )
    client = signed_in_client(user, PASSWORD)
    assert len(client.get(PAGE).context["attempts"]) == 50


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    assert client.get(PAGE)["Location"].startswith(reverse("accounts:login"))
