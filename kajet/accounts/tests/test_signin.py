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


def fail(client: Client, login: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        post_signin(client, STAFF, login, "wrong", REMOTE_ADDR=ip)


def test_five_failures_from_an_address_pause_it_without_hashing(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    fail(client, login, 5)
    with counting_hashes() as calls:
        response = post_signin(client, STAFF, login, PASSWORD, REMOTE_ADDR="10.0.0.1")
    assert calls["verify"].call_count == 0 and calls["encode"].call_count == 0
    assert response.status_code == 400
    assert "locked for 1 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The owner sees the refused attempt in their history.
    assert SignInAttempt.objects.get(login=login, result="locked").user == world.user("teacher")


def test_four_failures_do_not_lock(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    fail(client, login, 4)
    assert post_signin(client, STAFF, login, PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_the_wait_doubles_and_ends(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail(client, login, 5)  # the next try waits 30 s
        traveller.shift(timedelta(seconds=31))
        fail(client, login, 1)  # six failures: 60 s
        traveller.shift(timedelta(seconds=50))
        response = post_signin(client, STAFF, login, PASSWORD, REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 400
        traveller.shift(timedelta(seconds=11))
        response = post_signin(client, STAFF, login, PASSWORD, REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 302


def test_the_wait_is_at_most_the_lock_time(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    start = timezone.now()
    SignInAttempt.objects.bulk_create(
        SignInAttempt(login=login, ip="10.0.0.1", result="bad_credentials", at=start)
        for _ in range(30)
    )
    with time_machine.travel(start, tick=False) as traveller:
        traveller.shift(timedelta(minutes=14))
        assert (
            post_signin(client, STAFF, login, PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 400
        )
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert (
            post_signin(client, STAFF, login, PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 302
        )


def test_unknown_login_locks_the_same_way(client: Client, world: Any) -> None:
    fail(client, "nobody", 5)
    with counting_hashes() as calls:
        response = post_signin(client, STAFF, "nobody", "wrong", REMOTE_ADDR="10.0.0.1")
    assert calls["encode"].call_count == 0 and calls["verify"].call_count == 0
    assert "locked for 1 minutes" in response.content.decode()


def test_a_success_from_the_address_resets_its_count(client: Client, world: Any) -> None:
    login = world.user("teacher").login
    fail(client, login, 4)
    assert post_signin(client, STAFF, login, PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 302
    client.post(reverse("accounts:logout"))
    fail(client, login, 4)
    assert post_signin(client, STAFF, login, PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_a_lock_is_per_login_and_address(client: Client, world: Any) -> None:
    """One student guessing a teacher's password at school locks neither the teacher at home
    nor anyone else at school."""
    fail(client, world.user("teacher").login, 20, ip="10.0.0.1")
    teacher = post_signin(
        client, STAFF, world.user("teacher").login, PASSWORD, REMOTE_ADDR="10.0.0.2"
    )
    assert teacher.status_code == 302
    client.post(reverse("accounts:logout"))
    other = post_signin(
        client, FAMILY, world.user("guardian").login, PASSWORD, REMOTE_ADDR="10.0.0.1"
    )
    assert other.status_code == 302


def _failures(login: str, count: int, prefix: str = "172.16") -> None:
    now = timezone.now()
    SignInAttempt.objects.bulk_create(
        SignInAttempt(
            login=login, ip=f"{prefix}.{i // 250}.{i % 250}", result="bad_credentials", at=now
        )
        for i in range(count)
    )


def test_the_account_ceiling_spares_addresses_that_signed_in_before(
    client: Client, world: Any
) -> None:
    user = world.user("teacher")
    assert (
        post_signin(Client(), STAFF, user.login, PASSWORD, REMOTE_ADDR="10.0.0.7").status_code
        == 302
    )
    _failures(user.login, settings.KAJET_SIGNIN_ACCOUNT_CEILING)  # a botnet, one try each
    new = post_signin(client, STAFF, user.login, PASSWORD, REMOTE_ADDR="10.0.0.8")
    assert new.status_code == 400
    assert "This account is locked" in new.content.decode()
    known = post_signin(client, STAFF, user.login, PASSWORD, REMOTE_ADDR="10.0.0.7")
    assert known.status_code == 302


def test_an_address_spraying_many_logins_is_throttled_for_new_logins_only(
    client: Client, world: Any
) -> None:
    now = timezone.now()
    SignInAttempt.objects.bulk_create(
        SignInAttempt(login=f"guess{i}", ip="10.9.9.9", result="bad_credentials", at=now)
        for i in range(settings.KAJET_SIGNIN_ADDRESS_CEILING)
    )
    regular = world.user("teacher")
    SignInAttempt.objects.create(login=regular.login, ip="10.9.9.9", result="success", at=now)
    login = world.user("guardian").login
    with counting_hashes() as calls:
        response = post_signin(client, FAMILY, login, PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert calls["verify"].call_count == 0 and calls["encode"].call_count == 0
    assert response.status_code == 400
    assert "from this network" in response.content.decode()
    assert SignInAttempt.objects.filter(login=login, result="throttled").count() == 1
    # Another address is not affected, nor a login that signs in from here every day.
    assert post_signin(client, FAMILY, login, PASSWORD, REMOTE_ADDR="10.9.9.8").status_code == 302
    client.post(reverse("accounts:logout"))
    assert (
        post_signin(client, STAFF, regular.login, PASSWORD, REMOTE_ADDR="10.9.9.9").status_code
        == 302
    )


def test_signed_in_user_is_sent_home(client_for: Any, world: Any) -> None:
    client = client_for(world.user("guardian"))
    assert client.get(FAMILY).status_code == 302


def test_signin_page_is_not_cached(client: Client) -> None:
    response = client.get(FAMILY)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
