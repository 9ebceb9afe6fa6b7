"""POST/DELETE /api/v1/auth/token: the web sign-in's rules for mobile clients."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kajet.accounts.models import SignInAttempt, TotpDevice, UserSession
from kajet.accounts.tests.helpers import confirmed_totp, counting_hashes
from kajet.api.tests.helpers import TOKEN_URL, bearer, token_for, token_post
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "principal"])
def test_token_is_issued_and_works(client: Client, world: Any, role: str) -> None:
    user = world.user(role)
    response = client.post(
        TOKEN_URL,
        {"login": user.login, "password": PASSWORD},
        content_type="application/json",
        HTTP_USER_AGENT="KajetApp/2",
        REMOTE_ADDR="10.4.4.4",
    )
    assert response.status_code == 201
    data = response.json()
    assert data["must_change_password"] is False
    assert Client().get(ME, **bearer(data["token"])).json()["login"] == user.login
    device = UserSession.objects.get(user=user, kind="api")
    assert device.key != data["token"]  # only the hash is stored
    assert device.user_agent == "KajetApp/2" and device.ip == "10.4.4.4"
    attempt = SignInAttempt.objects.get(user=user)
    assert (attempt.result, attempt.via, attempt.ip) == ("success", "api", "10.4.4.4")


@pytest.mark.parametrize(
    ("login", "password"),
    [("a.nauczyciel", "wrong"), ("nobody", PASSWORD), ("a.nauczyciel", "")],
)
def test_one_generic_error(client: Client, world: Any, login: str, password: str) -> None:
    response = token_post(client, login=login, password=password)
    assert response.status_code == 400
    assert "token" not in response.json()


def test_wrong_and_unknown_read_the_same(client: Client, world: Any) -> None:
    wrong = token_post(client, login="a.nauczyciel", password="wrong").json()
    unknown = token_post(client, login="nobody", password="wrong").json()
    assert wrong == unknown
    assert set(wrong) == {"detail"}


def test_locked_without_hashing(client: Client, world: Any) -> None:
    user = world.user("teacher")
    for _ in range(5):
        assert token_post(client, login=user.login, password="wrong").status_code == 400
    with counting_hashes() as calls:
        response = token_post(client, login=user.login, password=PASSWORD)
    assert calls["verify"].call_count == 0 and calls["encode"].call_count == 0
    assert response.status_code == 429
    assert 25 <= int(response["Retry-After"]) <= 30
    assert "locked for 1 minutes" in response.json()["detail"]
    assert not UserSession.objects.filter(user=user).exists()


def test_web_and_api_failures_share_one_lock(client: Client, world: Any) -> None:
    from kajet.accounts.tests.helpers import STAFF, post_signin

    user = world.user("teacher")
    for _ in range(5):
        post_signin(client, STAFF, user.login, "wrong")
        token_post(client, login=user.login, password="wrong")
    assert token_post(client, login=user.login, password=PASSWORD).status_code == 429
    assert post_signin(client, STAFF, user.login, PASSWORD).status_code == 400


def test_address_throttle_applies(client: Client, world: Any) -> None:
    SignInAttempt.objects.bulk_create(
        SignInAttempt(login=f"x{i}", ip="127.0.0.1", result="bad_credentials")
        for i in range(settings.KAJET_SIGNIN_ADDRESS_CEILING)
    )
    with counting_hashes() as calls:
        response = token_post(client, login=world.user("guardian").login, password=PASSWORD)
    assert calls["encode"].call_count == 0 and calls["verify"].call_count == 0
    assert response.status_code == 429


def test_two_factor_user_must_send_a_code(client: Client, world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    response = token_post(client, login=user.login, password=PASSWORD)
    assert response.status_code == 400
    assert response.json()["code"] == "otp"
    wrong = "000000" if totp.now() != "000000" else "111111"
    assert token_post(client, login=user.login, password=PASSWORD, otp=wrong).status_code == 400
    response = token_post(client, login=user.login, password=PASSWORD, otp=totp.now())
    assert response.status_code == 201
    # The same code is not accepted twice.
    again = token_post(client, login=user.login, password=PASSWORD, otp=totp.now())
    assert again.status_code == 400


def test_two_factor_step_is_locked_without_checking(client: Client, world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    wrong = "000000" if totp.now() != "000000" else "111111"
    for _ in range(10):
        token_post(client, login=user.login, password=PASSWORD, otp=wrong)
    with counting_hashes() as calls:
        response = token_post(client, login=user.login, password=PASSWORD, otp=totp.now())
    assert calls["verify"].call_count == 0 and calls["encode"].call_count == 0
    assert response.status_code == 429


def test_school_requiring_two_factor_refuses_staff_without_it(client: Client, world: Any) -> None:
    world.school.require_staff_2fa = True
    world.school.save()
    response = token_post(client, login=world.user("teacher").login, password=PASSWORD)
    assert response.status_code == 403
    assert not UserSession.objects.filter(kind="api").exists()
    # Families are not concerned.
    assert (
        token_post(client, login=world.user("guardian").login, password=PASSWORD).status_code == 201
    )
    # Staff with two-factor sign-in get a token with a code.
    secret = pyotp.random_base32()
    TotpDevice.objects.create(
        user=world.user("teacher"), secret=secret, confirmed_at=timezone.now()
    )
    response = token_post(
        client, login=world.user("teacher").login, password=PASSWORD, otp=pyotp.TOTP(secret).now()
    )
    assert response.status_code == 201


def test_must_change_password_is_reported(client: Client, world: Any) -> None:
    user = world.user("student")
    user.must_change_password = True
    user.save()
    assert token_post(client, login=user.login, password=PASSWORD).json()["must_change_password"]


def test_bad_input_is_400(client: Client, world: Any) -> None:
    assert token_post(client, login="x").status_code == 400
    assert client.post(TOKEN_URL, "not json", content_type="application/json").status_code == 400
    assert token_post(client, login="x" * 65, password="y").status_code == 400


def test_an_over_long_login_is_recorded_cut_and_locks_the_same_way(
    client: Client, world: Any
) -> None:
    """The token endpoint takes e-mail addresses up to 254 characters; the attempt column is
    64 wide (PostgreSQL refused the insert with a 500). Cut the same way, the lock still counts."""
    login = "y" * 200
    for _ in range(5):
        assert token_post(client, login=login, password="wrong").status_code == 400
    assert SignInAttempt.objects.filter(login="y" * 64).count() == 5
    assert token_post(client, login=login, password="wrong").status_code == 429


def test_delete_revokes_the_current_token_only(client: Client, world: Any) -> None:
    user = world.user("guardian")
    first, second = token_for(user), token_for(user)
    assert client.delete(TOKEN_URL, **bearer(first)).status_code == 204
    assert Client().get(ME, **bearer(first)).status_code == 401
    assert Client().get(ME, **bearer(second)).status_code == 200
    assert client.delete(TOKEN_URL, **bearer(first)).status_code == 401


def test_delete_without_a_token_is_401(client: Client) -> None:
    assert client.delete(TOKEN_URL).status_code == 401
    assert client.delete(TOKEN_URL, **bearer("made-up")).status_code == 401


def test_garbage_authorization_headers_are_401(world: Any) -> None:
    assert Client().get(ME, HTTP_AUTHORIZATION="Bearer").status_code == 401
    assert Client().get(ME, HTTP_AUTHORIZATION="Bearer a b").status_code == 401
    assert Client().get(ME, HTTP_AUTHORIZATION="Bearer caf\u00e9").status_code == 401


def test_token_expires_after_its_lifetime(world: Any) -> None:
    user = world.user("guardian")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = token_for(user)
        for _ in range(89 // 20):
            traveller.shift(timedelta(days=20))
            assert Client().get(ME, **bearer(token)).status_code == 200  # in use, not idle
        traveller.shift(timedelta(days=90 - 20 * (89 // 20) + 1))
        assert Client().get(ME, **bearer(token)).status_code == 401


def test_token_dies_when_unused(world: Any) -> None:
    user = world.user("guardian")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = token_for(user)
        traveller.shift(timedelta(days=29))
        assert Client().get(ME, **bearer(token)).status_code == 200
        traveller.shift(timedelta(days=30, seconds=1))
        assert Client().get(ME, **bearer(token)).status_code == 401
    assert UserSession.objects.get(user=user).ended_at is not None


def test_deactivated_user_loses_token(world: Any) -> None:
    user = world.user("student")
    token = token_for(user)
    user.is_active = False
    user.save()
    assert Client().get(ME, **bearer(token)).status_code == 401


def test_token_endpoint_needs_no_csrf(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = token_post(client, login=world.user("guardian").login, password=PASSWORD)
    assert response.status_code == 201


def test_token_of_a_user_who_must_change_the_password_is_refused_data(world: Any) -> None:
    user = world.user("student")
    user.must_change_password = True
    user.save()
    token = token_for(user)
    response = Client().get(ME, **bearer(token))
    assert response.status_code == 403
    assert "Change your password" in response.json()["detail"]
    user.must_change_password = False
    user.save()
    assert Client().get(ME, **bearer(token)).status_code == 200


def test_token_is_refused_data_once_the_school_requires_two_factor(world: Any) -> None:
    user = world.user("teacher")
    token = token_for(user)
    world.school.require_staff_2fa = True
    world.school.save()
    assert Client().get(ME, **bearer(token)).status_code == 403
    confirmed_totp(user)
    assert Client().get(ME, **bearer(token)).status_code == 200
