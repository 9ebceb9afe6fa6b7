from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import SignInAttempt, UserSession
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

FAMILY = reverse("accounts:login") + "?jako=rodzina"
STAFF = reverse("accounts:login") + "?jako=pracownik"


def post_signin(client: Client, url: str, login: str, password: str) -> Any:
    return client.post(url, {"login": login, "password": password})


def test_choice_page_offers_both_kinds(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b"jako=rodzina" in response.content
    assert b"jako=pracownik" in response.content


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_family_signs_in(client: Client, world: Any, role: str) -> None:
    user = world.user(role)
    response = post_signin(client, FAMILY, user.login, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert SignInAttempt.objects.filter(user=user, result="success").count() == 1
    assert UserSession.objects.filter(user=user, kind="web", ended_at__isnull=True).count() == 1


def test_staff_signs_in(client: Client, world: Any) -> None:
    response = post_signin(client, STAFF, world.user("teacher").login, PASSWORD)
    assert response.status_code == 302


def test_sign_in_cycles_session_id(client: Client, world: Any) -> None:
    client.get(FAMILY)
    client.cookies["sessionid"] = "attacker-chosen-id"
    post_signin(client, FAMILY, world.user("guardian").login, PASSWORD)
    assert client.cookies["sessionid"].value != "attacker-chosen-id"


@pytest.mark.parametrize(
    ("login", "password", "url"),
    [
        ("a.nauczyciel", "wrong", STAFF),  # wrong password
        ("nobody", PASSWORD, STAFF),  # unknown login
        ("a.nauczyciel", PASSWORD, FAMILY),  # right password, wrong kind of account
    ],
)
def test_one_generic_error(client: Client, world: Any, login: str, password: str, url: str) -> None:
    response = post_signin(client, url, login, password)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "signin-error" in body
    assert SignInAttempt.objects.filter(login=login, result="bad_credentials").count() == 1


def test_lockout_after_ten_failures_without_hashing(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    for _ in range(10):
        post_signin(client, STAFF, login, "wrong")
    with (
        mock.patch.object(MD5PasswordHasher, "verify", autospec=True) as verify,
        mock.patch.object(MD5PasswordHasher, "encode", autospec=True) as encode,
    ):
        response = post_signin(client, STAFF, login, PASSWORD)
    assert verify.call_count == 0 and encode.call_count == 0
    assert response.status_code == 400
    assert "15" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SignInAttempt.objects.filter(login=login, result="locked").count() == 1


def test_lockout_is_per_account(client: Client, world: Any) -> None:
    for _ in range(10):
        post_signin(client, STAFF, world.user("teacher").login, "wrong")
    response = post_signin(client, FAMILY, world.user("guardian").login, PASSWORD)
    assert response.status_code == 302


def test_forced_password_change(client: Client, world: Any) -> None:
    user = world.user("guardian")
    user.must_change_password = True
    user.save()
    post_signin(client, FAMILY, user.login, PASSWORD)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "current_password": PASSWORD,
            "new_password": "Zupełnie-nowe-42",
            "new_password_again": "Zupełnie-nowe-42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password("Zupełnie-nowe-42")
    assert client.get(reverse("dashboard:home")).status_code == 200


@pytest.mark.parametrize(
    ("current", "new", "again"),
    [
        ("wrong", "Zupełnie-nowe-42", "Zupełnie-nowe-42"),
        (PASSWORD, "short1", "short1"),
        (PASSWORD, "password123", "password123"),
        (PASSWORD, "12345678901", "12345678901"),
        (PASSWORD, "Zupełnie-nowe-42", "Zupełnie-nowe-43"),
    ],
)
def test_password_change_rejects_bad_input(
    client_for: Any, world: Any, current: str, new: str, again: str
) -> None:
    user = world.user("student")
    client = client_for(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"current_password": current, "new_password": new, "new_password_again": again},
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_sign_out_ends_session_on_server(client: Client, world: Any) -> None:
    user = world.user("guardian")
    post_signin(client, FAMILY, user.login, PASSWORD)
    key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert UserSession.objects.get(key=key).ended_at is not None
