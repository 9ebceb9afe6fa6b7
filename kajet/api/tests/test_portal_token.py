"""The API with a Kajet account (issue 11): the token endpoint takes the account's e-mail and
password and returns the linked school logins; GET /api/v1/me lists them; every other call
acts as the login named in X-Kajet-Login, with that login's rights and 404s."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kajet.accounts.models import SignInAttempt
from kajet.api.tests.helpers import TOKEN_URL, bearer, token_post
from kajet.portal.models import LoginLink, PortalAccount, PortalToken

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"
PASSWORD = "Kajet-rodzic-2026"


@pytest.fixture
def account(world: Any, other_world: Any) -> PortalAccount:
    """A parent with a child in each school, both guardian logins linked."""
    account = PortalAccount(email="rodzic@example.pl", age_range="18+", activated_at=timezone.now())
    account.set_password(PASSWORD)
    account.save()
    for w in (world, other_world):
        LoginLink.objects.create(account=account, user=w.user("guardian"))
    return account


def portal_token(email: str = "rodzic@example.pl", password: str = PASSWORD) -> Any:
    return token_post(Client(), login=email, password=password)


def as_login(token: str, login: str = "") -> dict[str, str]:
    headers = bearer(token)
    if login:
        headers["HTTP_X_KAJET_LOGIN"] = login
    return headers


def test_token_returns_the_linked_logins(
    account: PortalAccount, world: Any, other_world: Any
) -> None:
    response = portal_token("Rodzic@Example.pl")
    assert response.status_code == 201
    data = response.json()
    assert not PortalToken.objects.filter(key=data["token"]).exists()  # only the hash
    logins = {x["login"]: x["school"]["id"] for x in data["kajet_account"]["logins"]}
    assert logins == {
        world.user("guardian").login: world.school.pk,
        other_world.user("guardian").login: other_world.school.pk,
    }
    attempt = SignInAttempt.objects.get(login="rodzic@example.pl")
    assert attempt.result == "success"


def test_me_lists_the_logins_and_acts_as_the_chosen_one(
    account: PortalAccount, world: Any, other_world: Any
) -> None:
    token = portal_token().json()["token"]
    me = Client().get(ME, **as_login(token)).json()
    assert "id" not in me and len(me["kajet_account"]["logins"]) == 2
    guardian_b = other_world.user("guardian")
    me_b = Client().get(ME, **as_login(token, guardian_b.login)).json()
    assert me_b["id"] == guardian_b.pk and me_b["school"]["id"] == other_world.school.pk
    assert [s["id"] for s in me_b["students"]] == [other_world.student.pk]
    assert me_b["kajet_account"]["email"] == "rodzic@example.pl"
    link = LoginLink.objects.get(user=guardian_b)
    assert link.last_used_at is not None  # the school sees when it was last used


def test_every_other_endpoint_needs_a_chosen_login(account: PortalAccount, world: Any) -> None:
    token = portal_token().json()["token"]
    response = Client().get(f"/api/v1/students/{world.student.pk}", **as_login(token))
    assert response.status_code == 403
    assert "X-Kajet-Login" in response.json()["detail"]


def test_a_link_never_widens_access(account: PortalAccount, world: Any, other_world: Any) -> None:
    token = portal_token().json()["token"]
    login_a, login_b = world.user("guardian").login, other_world.user("guardian").login
    child_a, child_b = world.student.pk, other_world.student.pk
    client = Client()
    assert client.get(f"/api/v1/students/{child_a}", **as_login(token, login_a)).status_code == 200
    assert client.get(f"/api/v1/students/{child_b}", **as_login(token, login_a)).status_code == 404
    assert client.get(f"/api/v1/students/{child_b}", **as_login(token, login_b)).status_code == 200
    stranger = world.other_student.pk  # same school, not the family's child
    assert client.get(f"/api/v1/students/{stranger}", **as_login(token, login_a)).status_code == 404
    grades = f"/api/v1/grades/students/{child_a}"
    assert client.get(grades, **as_login(token, login_a)).status_code == 200
    assert client.get(grades, **as_login(token, login_b)).status_code == 404


@pytest.mark.parametrize("who", ["teacher", "student", "nobody"])
def test_a_login_not_on_the_account_is_404(account: PortalAccount, world: Any, who: str) -> None:
    token = portal_token().json()["token"]
    login = "9999999" if who == "nobody" else world.user(who).login
    assert Client().get(ME, **as_login(token, login)).status_code == 404


def test_another_accounts_login_is_404(
    account: PortalAccount, world: Any, other_world: Any
) -> None:
    other = PortalAccount(email="inny@example.pl", age_range="18+", activated_at=timezone.now())
    other.set_password(PASSWORD)
    other.save()
    LoginLink.objects.create(account=other, user=world.user("student"))
    token = portal_token().json()["token"]
    response = Client().get(ME, **as_login(token, world.user("student").login))
    assert response.status_code == 404


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_wrong_credentials_are_refused_and_counted(account: PortalAccount, password: str) -> None:
    response = portal_token(password=password)
    assert response.status_code == 400
    assert not PortalToken.objects.exists()
    if password:
        assert SignInAttempt.objects.filter(result="bad_credentials").count() == 1


def test_unactivated_account_gets_no_token(db: Any) -> None:
    pending = PortalAccount(email="nowy@example.pl", age_range="18+")
    pending.set_password(PASSWORD)
    pending.save()
    assert portal_token("nowy@example.pl").status_code == 400


def test_a_new_password_and_delete_end_the_token(account: PortalAccount, world: Any) -> None:
    token = portal_token().json()["token"]
    second = portal_token().json()["token"]
    assert Client().get(ME, **as_login(token)).status_code == 200
    assert Client().delete(TOKEN_URL, **as_login(token)).status_code == 204
    assert Client().get(ME, **as_login(token)).status_code == 401
    assert Client().get(ME, **as_login(second)).status_code == 200
    account.set_password("Nowe-haslo-rodzica-9")
    account.save()
    assert Client().get(ME, **as_login(second)).status_code == 401


def test_the_web_and_the_api_share_the_lockout(account: PortalAccount, settings: Any) -> None:
    settings.KAJET_SIGNIN_FREE_FAILURES = 3
    for _ in range(3):
        assert portal_token(password="zle-haslo").status_code == 400
    locked = portal_token()  # the right password, too late
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert not PortalToken.objects.exists()
    web = Client().post("/konto-kajet/logowanie/", {"email": account.email, "password": PASSWORD})
    assert web.status_code == 400  # locked on the web as well
