"""The second sign-in step for staff with two-factor sign-in (codes from pyotp)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.accounts.models import SignInAttempt, UserSession
from kajet.accounts.tests.helpers import STAFF, confirmed_totp, counting_hashes, post_signin
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

OTP = reverse("accounts:signin_otp")


def test_password_then_code(client: Client, world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    response = post_signin(client, STAFF, user.login, PASSWORD)
    assert response["Location"] == OTP
    assert "_auth_user_id" not in client.session  # not signed in by the password alone
    assert client.get(reverse("accounts:sessions")).status_code == 302
    page = client.get(OTP)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(OTP, {"code": totp.now()})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["kajet_2fa"] is True
    assert "kajet_pending_user" not in client.session
    results = list(SignInAttempt.objects.filter(user=user).order_by("at", "pk"))
    assert [r.result for r in results] == ["password_ok", "success"]
    assert UserSession.objects.filter(user=user, kind="web").count() == 1


def test_wrong_code_is_refused_and_recorded(client: Client, world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    post_signin(client, STAFF, user.login, PASSWORD)
    wrong = "000000" if totp.now() != "000000" else "111111"
    response = client.post(OTP, {"code": wrong})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert SignInAttempt.objects.filter(user=user, result="bad_otp").count() == 1


def test_a_code_is_not_accepted_twice(world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    with time_machine.travel(timezone.now(), tick=False):
        first, second = Client(), Client()
        post_signin(first, STAFF, user.login, PASSWORD)
        post_signin(second, STAFF, user.login, PASSWORD)
        code = totp.now()
        assert first.post(OTP, {"code": code}).status_code == 302
        assert second.post(OTP, {"code": code}).status_code == 400
        assert "_auth_user_id" not in second.session


def test_the_next_code_works_after_thirty_seconds(world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        post_signin(client, STAFF, user.login, PASSWORD)
        assert client.post(OTP, {"code": totp.now()}).status_code == 302
        client.post(reverse("accounts:logout"))
        traveller.shift(timedelta(seconds=31))
        post_signin(client, STAFF, user.login, PASSWORD)
        assert client.post(OTP, {"code": totp.now()}).status_code == 302


def test_otp_step_is_locked_without_checking_anything(client: Client, world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    post_signin(client, STAFF, user.login, PASSWORD)
    for _ in range(10):
        client.post(OTP, {"code": "000000" if totp.now() != "000000" else "111111"})
    with counting_hashes() as calls:
        response = client.post(OTP, {"code": totp.now()})  # even the right code
    assert calls["verify"].call_count == 0 and calls["encode"].call_count == 0
    assert response.status_code in (302, 400)
    assert "_auth_user_id" not in client.session
    assert SignInAttempt.objects.filter(user=user, result="locked").count() == 1
    # The pending sign-in is dropped: the password step again, which is locked too.
    assert client.get(OTP)["Location"] == reverse("accounts:login")
    with counting_hashes() as calls:
        response = post_signin(client, STAFF, user.login, PASSWORD)
    assert calls["verify"].call_count == 0
    assert "locked" in response.content.decode()


def test_without_a_pending_password_step_the_page_sends_back(client: Client) -> None:
    assert client.get(OTP)["Location"] == reverse("accounts:login")


def test_unconfirmed_device_does_not_ask_for_a_code(client: Client, world: Any) -> None:
    from kajet.accounts import services

    user = world.user("teacher")
    services.totp_setup_start(user=user)
    response = post_signin(client, STAFF, user.login, PASSWORD)
    assert response["Location"] == reverse("dashboard:home")


def test_code_step_expires_after_five_minutes(world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        post_signin(client, STAFF, user.login, PASSWORD)
        traveller.shift(timedelta(minutes=5, seconds=1))
        response = client.post(OTP, {"code": totp.now()})
        assert response["Location"] == reverse("accounts:login")
        assert "_auth_user_id" not in client.session
        assert "kajet_pending_user" not in client.session


def test_password_step_changes_the_session_id(world: Any) -> None:
    user = world.user("teacher")
    confirmed_totp(user)
    client = Client()
    client.get(STAFF)
    client.cookies["sessionid"] = "planted"
    post_signin(client, STAFF, user.login, PASSWORD)
    assert client.cookies["sessionid"].value != "planted"
