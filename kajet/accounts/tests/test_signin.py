"""The sign-in page (both kinds of account): generic errors, lockout, throttling, records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.accounts.models import SignInAttempt, UserSession
from kajet.accounts.tests.helpers import FAMILY, STAFF, counting_hashes, post_signin
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db


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


def test_login_is_case_and_space_insensitive(client: Client, world: Any) -> None:
    response = post_signin(client, STAFF, "  A.Nauczyciel ", PASSWORD)
    assert response.status_code == 302


def test_sign_in_cycles_session_id(client: Client, world: Any) -> None:
    client.get(FAMILY)
    client.cookies["sessionid"] = "attacker-chosen-id"
    post_signin(client, FAMILY, world.user("guardian").login, PASSWORD)
    assert client.cookies["sessionid"].value != "attacker-chosen-id"
    device = UserSession.objects.get(user=world.user("guardian"))
    assert device.key == client.cookies["sessionid"].value


def test_next_is_followed_only_within_the_site(client: Client, world: Any) -> None:
    login = world.user("guardian").login
    response = client.post(
        FAMILY, {"login": login, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard:home")
    client.post(reverse("accounts:logout"))
    response = client.post(
        FAMILY, {"login": login, "password": PASSWORD, "next": reverse("accounts:sessions")}
    )
    assert response["Location"] == reverse("accounts:sessions")


@pytest.mark.parametrize(
    ("login", "password", "url"),
    [
        ("a.nauczyciel", "wrong", STAFF),  # wrong password
        ("nobody", PASSWORD, STAFF),  # unknown login
        ("a.nauczyciel", PASSWORD, FAMILY),  # right password, wrong kind of account
        ("7100001", PASSWORD, STAFF),  # a guardian on the staff page
        ("a.nauczyciel", "", STAFF),  # empty password (a form error, same message)
    ],
)
def test_one_generic_error(client: Client, world: Any, login: str, password: str, url: str) -> None:
    response = post_signin(client, url, login, password)
    assert response.status_code in (200, 400)
    assert "_auth_user_id" not in client.session
    if password:
        body = response.content.decode()
        assert 'id="signin-error"' in body
        assert SignInAttempt.objects.filter(login=login, result="bad_credentials").count() == 1


def test_inactive_login_gets_the_generic_error(client: Client, world: Any) -> None:
    user = world.user("student")
    user.is_active = False
    user.save()
    wrong = post_signin(client, FAMILY, user.login, "wrong").content.decode()
    right = post_signin(client, FAMILY, user.login, PASSWORD)
    assert right.status_code == 400
    error = 'id="signin-error">'
    assert (
        wrong.split(error)[1].split("<")[0] == right.content.decode().split(error)[1].split("<")[0]
    )


def test_every_attempt_is_recorded_with_address_and_agent(client: Client, world: Any) -> None:
    user = world.user("teacher")
    post_signin(
        client, STAFF, user.login, "wrong", HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.1.2.3"
    )
    post_signin(
        client, STAFF, user.login, PASSWORD, HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.1.2.3"
    )
    rows = list(SignInAttempt.objects.filter(login=user.login).order_by("at", "pk"))
    assert [r.result for r in rows] == ["bad_credentials", "success"]
    for row in rows:
        assert row.user == user
        assert row.ip == "10.1.2.3"
        assert row.user_agent == "Firefox/140"
        assert row.via == "web"
        assert abs(row.at - timezone.now()) < timedelta(minutes=1)


def test_lockout_after_ten_failures_without_hashing(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    for _ in range(9):
        post_signin(client, STAFF, login, "wrong")
    assert post_signin(client, STAFF, login, "wrong").status_code == 400  # the tenth
    with counting_hashes() as calls:
        response = post_signin(client, STAFF, login, PASSWORD)
    assert calls["verify"].call_count == 0 and calls["encode"].call_count == 0
    assert response.status_code == 400
    body = response.content.decode()
    assert "locked for 15 minutes" in body
    assert "_auth_user_id" not in client.session
    assert SignInAttempt.objects.filter(login=login, result="locked").count() == 1
    # The owner sees the refused attempt in their history.
    assert SignInAttempt.objects.get(login=login, result="locked").user == world.user("teacher")


def test_unknown_login_locks_the_same_way(client: Client, world: Any) -> None:
    for _ in range(10):
        post_signin(client, STAFF, "nobody", "wrong")
    with counting_hashes() as calls:
        response = post_signin(client, STAFF, "nobody", "wrong")
    assert calls["encode"].call_count == 0
    assert "locked for 15 minutes" in response.content.decode()


def test_nine_failures_do_not_lock(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    for _ in range(9):
        post_signin(client, STAFF, login, "wrong")
    assert post_signin(client, STAFF, login, PASSWORD).status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(10):
            post_signin(client, STAFF, login, "wrong")
            traveller.shift(timedelta(minutes=2))  # 10 failures over 18 minutes
        assert post_signin(client, STAFF, login, PASSWORD).status_code == 302


def test_lock_ends_after_the_lock_time(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(10):
            post_signin(client, STAFF, login, "wrong")
        traveller.shift(timedelta(minutes=14))
        assert post_signin(client, STAFF, login, PASSWORD).status_code == 400
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert post_signin(client, STAFF, login, PASSWORD).status_code == 302


def test_a_success_resets_the_count(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    for _ in range(9):
        post_signin(client, STAFF, login, "wrong")
    assert post_signin(client, STAFF, login, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    post_signin(client, STAFF, login, "wrong")
    assert post_signin(client, STAFF, login, PASSWORD).status_code == 302


def test_lockout_is_per_account(client: Client, world: Any) -> None:
    for _ in range(10):
        post_signin(client, STAFF, world.user("teacher").login, "wrong")
    response = post_signin(client, FAMILY, world.user("guardian").login, PASSWORD)
    assert response.status_code == 302


def test_address_is_throttled_after_many_failures(client: Client, world: Any) -> None:
    now = timezone.now()
    SignInAttempt.objects.bulk_create(
        SignInAttempt(login=f"guess{i}", ip="10.9.9.9", result="bad_credentials", at=now)
        for i in range(settings.KAJET_SIGNIN_MAX_FAILURES_PER_IP)
    )
    login = world.user("guardian").login
    with counting_hashes() as calls:
        response = post_signin(client, FAMILY, login, PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert calls["verify"].call_count == 0 and calls["encode"].call_count == 0
    assert response.status_code == 400
    assert "from this network" in response.content.decode()
    assert SignInAttempt.objects.filter(login=login, result="throttled").count() == 1
    # Another address is not affected.
    assert post_signin(client, FAMILY, login, PASSWORD, REMOTE_ADDR="10.9.9.8").status_code == 302


def test_signed_in_user_is_sent_home(client_for: Any, world: Any) -> None:
    client = client_for(world.user("guardian"))
    assert client.get(FAMILY).status_code == 302


def test_signin_page_is_not_cached(client: Client) -> None:
    response = client.get(FAMILY)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
