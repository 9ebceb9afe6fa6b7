"""Signing in with a Kajet account (e-mail + password), with the sign-in throttle."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kajet.accounts.models import SignInAttempt
from kajet.portal.models import PortalAccount
from kajet.portal.services import PORTAL_KEY, PUBLIC_KEY
from kajet.portal.tests.conftest import PORTAL_PASSWORD, make_account

pytestmark = pytest.mark.django_db


def test_signin_opens_the_account_page(account: PortalAccount) -> None:
    client = Client()
    response = client.post(
        reverse("portal:signin"), {"email": "RODZIC@example.pl", "password": PORTAL_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200 and account.email in page.content.decode()
    assert client.session[PORTAL_KEY] == account.pk
    account.refresh_from_db()
    assert account.last_sign_in_at is not None


@pytest.mark.parametrize("password", ["zle-haslo", ""])
def test_wrong_password_is_refused(account: PortalAccount, password: str, settings: Any) -> None:
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        response = Client().post(
            reverse("portal:signin"), {"email": account.email, "password": password}
        )
    assert response.status_code == 400
    if password:
        assert "Błędny e-mail lub hasło" in response.content.decode()


def test_unactivated_and_unknown_read_the_same(db: Any) -> None:
    make_account("nowy@example.pl", activated=False)
    first = Client().post(
        reverse("portal:signin"), {"email": "nowy@example.pl", "password": PORTAL_PASSWORD}
    )
    second = Client().post(
        reverse("portal:signin"), {"email": "nikt@example.pl", "password": PORTAL_PASSWORD}
    )
    assert first.status_code == second.status_code == 400
    assert first.context["error"] == second.context["error"]


def test_lockout_after_repeated_failures(account: PortalAccount, settings: Any) -> None:
    settings.KAJET_SIGNIN_FREE_FAILURES = 3
    client = Client()
    for _ in range(3):
        client.post(reverse("portal:signin"), {"email": account.email, "password": "zle"})
    locked = client.post(
        reverse("portal:signin"), {"email": account.email, "password": PORTAL_PASSWORD}
    )
    assert locked.status_code == 400 and "locked" in locked.context["error"]
    assert PORTAL_KEY not in client.session
    assert SignInAttempt.objects.filter(login=account.email, result="locked", via="portal").exists()


def test_public_computer_session_ends_with_the_browser(account: PortalAccount) -> None:
    client = Client()
    client.post(
        reverse("portal:signin"),
        {"email": account.email, "password": PORTAL_PASSWORD, "public_computer": "on"},
    )
    assert client.session[PUBLIC_KEY] is True
    assert client.session.get_expire_at_browser_close()
    page = client.get(reverse("portal:home")).content.decode()
    assert "Public computer: remember to sign out" in page


def test_signout_ends_the_portal_session(account: PortalAccount) -> None:
    from kajet.portal.tests.conftest import portal_client

    client = portal_client(account)
    assert client.post(reverse("portal:signout")).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302
