"""The password change page: forced at first sign-in, rules per current guidance, and what
happens to the other sessions and app tokens afterwards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.accounts import services
from kajet.accounts.models import UserSession
from kajet.accounts.tests.helpers import FAMILY, post_signin, signed_in_client
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Zupełnie-nowe-42"
URL = reverse("accounts:password_change")


def change(client: Client, current: str = PASSWORD, new: str = NEW, again: str = NEW) -> Any:
    return client.post(
        URL, {"current_password": current, "new_password": new, "new_password_again": again}
    )


def test_forced_password_change(client: Client, world: Any) -> None:
    user = world.user("guardian")
    user.must_change_password = True
    user.save()
    post_signin(client, FAMILY, user.login, PASSWORD)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"] == URL
    assert client.get(URL).status_code == 200
    response = change(client)
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.password_changed_at is not None
    assert user.check_password(NEW)
    assert user.password.startswith("md5$")  # the default hasher of the settings in use


@pytest.mark.parametrize(
    ("current", "new", "again", "field"),
    [
        ("wrong", NEW, NEW, "current_password"),
        (PASSWORD, "short1", "short1", "new_password"),  # fewer than 8 characters
        (PASSWORD, "password123", "password123", "new_password"),  # a common password
        (PASSWORD, "qwertyuiop", "qwertyuiop", "new_password"),  # a common password
        (PASSWORD, "12345678901", "12345678901", "new_password"),  # only digits
        (PASSWORD, NEW, "Zupełnie-nowe-43", "new_password_again"),
        (PASSWORD, PASSWORD, PASSWORD, "new_password"),  # the same as now
    ],
)
def test_password_change_rejects_bad_input(
    client_for: Any, world: Any, current: str, new: str, again: str, field: str
) -> None:
    user = world.user("student")
    client = client_for(user)
    response = change(client, current, new, again)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_eight_characters_are_enough(client_for: Any, world: Any) -> None:
    client = client_for(world.user("student"))
    assert change(client, new="Kajet-8z", again="Kajet-8z").status_code == 302


def test_no_forced_rotation(client_for: Any, world: Any) -> None:
    user = world.user("teacher")
    user.password_changed_at = timezone.now() - timedelta(days=3 * 365)
    user.save()
    client = client_for(user)
    assert client.get(reverse("accounts:sessions")).status_code == 200


def test_change_keeps_this_session_and_ends_other_browsers(world: Any) -> None:
    user = world.user("guardian")
    here = signed_in_client(user, PASSWORD, HTTP_USER_AGENT="here")
    there = signed_in_client(user, PASSWORD, HTTP_USER_AGENT="there")
    there_key = there.session.session_key
    response = change(here)
    # No app token is left, so there is nothing more to offer: straight home.
    assert response["Location"] == reverse("dashboard:home")
    assert here.get(reverse("accounts:sessions")).status_code == 200
    assert there.get(reverse("accounts:sessions")).status_code == 302
    assert not Session.objects.filter(session_key=there_key).exists()
    live = UserSession.objects.filter(user=user, ended_at__isnull=True)
    assert [d.key for d in live] == [here.session.session_key]


def test_change_ends_app_tokens(world: Any, rf: Any) -> None:
    user = world.user("guardian")
    client = signed_in_client(user, PASSWORD)
    token = services.api_token_create(request=rf.get("/"), user=user)
    response = change(client)
    assert response["Location"] == reverse("dashboard:home")
    assert services.api_token_user(token) is None
    page = client.get(reverse("accounts:sessions"))
    assert [d.key for d in page.context["devices"]] == [client.session.session_key]


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
