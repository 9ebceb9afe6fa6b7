"""Dodaj login ze szkoły: a school login and its password, checked with the sign-in lockout."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kajet.accounts.models import SignInAttempt
from kajet.portal.models import LoginLink, PortalAccount
from kajet.portal.tests.conftest import link, portal_client
from kajet.testutils.factories import PASSWORD, SchoolWorld

pytestmark = pytest.mark.django_db


def _add(client: Client, login: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("portal:link_add"), {"login": login, "password": password})


def test_guardian_links_children_in_two_schools(
    account: PortalAccount, world: SchoolWorld, other_world: SchoolWorld
) -> None:
    client = portal_client(account)
    assert _add(client, world.user("guardian").login).status_code == 302
    assert _add(client, other_world.user("guardian").login).status_code == 302
    links = LoginLink.objects.filter(account=account)
    assert {ln.user.school_id for ln in links} == {world.school.pk, other_world.school.pk}
    page = client.get(reverse("portal:home")).content.decode()
    assert world.school.name in page and other_world.school.name in page


def test_student_links_their_own_u_login(account: PortalAccount, world: SchoolWorld) -> None:
    client = portal_client(account)
    login = world.user("student").login
    assert login.endswith("u")
    assert _add(client, login.upper()).status_code == 302
    assert LoginLink.objects.get(account=account).user == world.user("student")


BAD_LOGIN = "Login rodzica to same cyfry"


@pytest.mark.parametrize(
    ("login_of", "password", "message"),
    [
        ("guardian", "zle-haslo", "Nieprawidłowy login lub hasło"),
        ("teacher", PASSWORD, BAD_LOGIN),
        ("nobody", PASSWORD, "Nieprawidłowy login lub hasło"),
        ("junk", PASSWORD, BAD_LOGIN),
    ],
)
def test_bad_input_gets_a_polish_message_and_links_nothing(
    account: PortalAccount,
    world: SchoolWorld,
    settings: Any,
    login_of: str,
    password: str,
    message: str,
) -> None:
    login = {"nobody": "1234567", "junk": "abc; drop"}.get(login_of) or world.user(login_of).login
    client = portal_client(account)
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        response = _add(client, login, password)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LoginLink.objects.exists()


def test_a_login_linked_elsewhere_is_refused(
    account: PortalAccount, other_account: PortalAccount, world: SchoolWorld, settings: Any
) -> None:
    guardian = world.user("guardian")
    link(other_account, guardian)
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        response = _add(portal_client(account), guardian.login)
    assert response.status_code == 400
    assert "już dodany do innego Konta Kajet" in response.content.decode()
    assert LoginLink.objects.get(user=guardian).account == other_account


def test_linking_twice_says_so(account: PortalAccount, world: SchoolWorld) -> None:
    client = portal_client(account)
    _add(client, world.user("guardian").login)
    again = _add(client, world.user("guardian").login)
    assert again.status_code == 400 and "already on your Kajet account" in again.content.decode()


def test_wrong_passwords_count_toward_the_login_lockout(
    account: PortalAccount, world: SchoolWorld, settings: Any
) -> None:
    settings.KAJET_SIGNIN_FREE_FAILURES = 3
    guardian = world.user("guardian")
    client = portal_client(account)
    for _ in range(3):
        _add(client, guardian.login, "zle-haslo")
    locked = _add(client, guardian.login)  # the right password, but the login is locked
    assert locked.status_code == 400 and "locked" in locked.content.decode()
    assert not LoginLink.objects.exists()
    # The school sign-in is locked too: one lockout for both ways in.
    school = Client().post(
        reverse("accounts:login") + "?jako=rodzina", {"login": guardian.login, "password": PASSWORD}
    )
    assert school.status_code == 400
    assert SignInAttempt.objects.filter(login=guardian.login, via="portal").count() == 4


def test_needs_a_portal_session(world: SchoolWorld, client_for: Any) -> None:
    """A school login without a Kajet account is sent to the portal sign-in; nobody links."""
    school_session = client_for(world.user("guardian"))
    response = _add(school_session, world.user("guardian").login)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:signin"))
    assert not LoginLink.objects.exists()
