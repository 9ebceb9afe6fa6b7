"""Account care: new terms at the next sign-in, change password, change e-mail, unlink, delete
(school logins untouched), and the public-computer idle limit. Every view: the account itself,
a school login without a Kajet account (sent to the portal sign-in), another account's objects
(404)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kajet.accounts.models import User
from kajet.portal.models import LoginLink, PortalAccount
from kajet.portal.services import terms_publish
from kajet.portal.tests.conftest import PORTAL_PASSWORD, link, portal_client
from kajet.testutils.factories import PASSWORD, SchoolWorld

pytestmark = pytest.mark.django_db

NEW = "Nowe-Haslo-2027!"


def test_new_terms_are_asked_for_at_the_next_sign_in(account: PortalAccount) -> None:
    client = portal_client(account)
    terms = terms_publish(text="Regulamin, wersja druga.")
    page = client.get(reverse("portal:home"))
    assert page.status_code == 302 and page["Location"] == reverse("portal:terms_accept")
    form = client.get(reverse("portal:terms_accept"))
    assert "Regulamin, wersja druga." in form.content.decode()
    refused = client.post(reverse("portal:terms_accept"), {})
    assert refused.status_code == 400
    assert client.post(reverse("portal:terms_accept"), {"accept_terms": "on"}).status_code == 302
    account.refresh_from_db()
    assert account.terms == terms and account.terms_accepted_at is not None
    assert client.get(reverse("portal:home")).status_code == 200


def test_change_password_keeps_this_session_and_ends_others(account: PortalAccount) -> None:
    here, elsewhere = portal_client(account), portal_client(account)
    response = here.post(
        reverse("portal:password_change"),
        {
            "pw-current_password": PORTAL_PASSWORD,
            "pw-new_password": NEW,
            "pw-new_password_again": NEW,
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password(NEW)
    assert here.get(reverse("portal:home")).status_code == 200
    assert elsewhere.get(reverse("portal:home")).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"pw-current_password": "zle", "pw-new_password": NEW, "pw-new_password_again": NEW},
            "Obecne hasło jest nieprawidłowe.",
        ),
        (
            {
                "pw-current_password": PORTAL_PASSWORD,
                "pw-new_password": NEW,
                "pw-new_password_again": NEW + "x",
            },
            "Oba hasła są różne.",
        ),
        (
            {
                "pw-current_password": PORTAL_PASSWORD,
                "pw-new_password": "12345678",
                "pw-new_password_again": "12345678",
            },
            "Hasło",
        ),
    ],
)
def test_bad_password_change_in_polish_changes_nothing(
    account: PortalAccount, settings: Any, data: dict[str, str], message: str
) -> None:
    client = portal_client(account)
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        response = client.post(reverse("portal:password_change"), data)
    assert response.status_code == 400 and message in response.content.decode()
    account.refresh_from_db()
    assert account.check_password(PORTAL_PASSWORD)


def test_change_email_confirms_the_new_and_tells_the_old(
    committed: Any, account: PortalAccount
) -> None:
    client = portal_client(account)
    response = committed(
        client.post,
        reverse("portal:email_change"),
        {"em-current_password": PORTAL_PASSWORD, "em-new_email": "Nowy@Example.pl"},
    )
    assert response.status_code == 302
    confirm, notice = mail.outbox
    assert confirm.to == ["nowy@example.pl"] and notice.to == [account.email]
    assert "nowy@example.pl" in notice.body and "/email/potwierdz/" not in notice.body
    account.refresh_from_db()
    assert account.email == "rodzic@example.pl"  # not before the confirmation
    url = re.search(r"(/konto-kajet/email/potwierdz/\?t=\S+)", confirm.body)
    assert url
    assert Client().get(url.group(1)).status_code == 200
    assert Client().post(url.group(1)).status_code == 302
    account.refresh_from_db()
    assert account.email == "nowy@example.pl"
    assert Client().post(url.group(1)).status_code == 400  # once


def test_change_email_link_expires(committed: Any, account: PortalAccount) -> None:
    committed(
        portal_client(account).post,
        reverse("portal:email_change"),
        {"em-current_password": PORTAL_PASSWORD, "em-new_email": "nowy@example.pl"},
    )
    url = re.search(r"(/konto-kajet/email/potwierdz/\?t=\S+)", mail.outbox[0].body)
    assert url
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=25)):
        assert Client().post(url.group(1)).status_code == 400
    account.refresh_from_db()
    assert account.email == "rodzic@example.pl"


def test_change_email_to_a_taken_address_is_refused(
    account: PortalAccount, other_account: PortalAccount, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        response = portal_client(account).post(
            reverse("portal:email_change"),
            {"em-current_password": PORTAL_PASSWORD, "em-new_email": other_account.email},
        )
    assert response.status_code == 400
    assert "Konto Kajet z tym adresem e-mail już istnieje." in response.content.decode()
    assert not mail.outbox


def test_unlink_leaves_the_login_working(
    account: PortalAccount, other_account: PortalAccount, world: SchoolWorld
) -> None:
    own = link(account, world.user("guardian"))
    theirs = link(other_account, world.user("student"))
    client = portal_client(account)
    assert client.post(reverse("portal:unlink"), {"link": theirs.pk}).status_code == 404
    assert LoginLink.objects.filter(pk=theirs.pk).exists()
    client.post(reverse("portal:switch"), {"link": own.pk})
    assert client.post(reverse("portal:unlink"), {"link": own.pk}).status_code == 302
    assert not LoginLink.objects.filter(pk=own.pk).exists()
    assert "_auth_user_id" not in client.session  # no longer acting as that login
    assert client.get(reverse("portal:home")).status_code == 200  # still on the Kajet account
    school = Client().post(
        reverse("accounts:login") + "?jako=rodzina",
        {"login": world.user("guardian").login, "password": PASSWORD},
    )
    assert school.status_code == 302


def test_delete_account_keeps_school_logins(account: PortalAccount, world: SchoolWorld) -> None:
    guardian = world.user("guardian")
    link(account, guardian)
    client = portal_client(account)
    wrong = client.post(reverse("portal:delete"), {"del-current_password": "zle"})
    assert wrong.status_code == 400 and PortalAccount.objects.filter(pk=account.pk).exists()
    response = client.post(reverse("portal:delete"), {"del-current_password": PORTAL_PASSWORD})
    assert response.status_code == 302
    assert not PortalAccount.objects.filter(pk=account.pk).exists()
    assert not LoginLink.objects.exists()
    assert User.objects.filter(pk=guardian.pk, is_active=True).exists()
    assert client.get(reverse("portal:home")).status_code == 302


CARE_PAGES = [
    ("get", "portal:home"),
    ("get", "portal:settings"),
    ("get", "portal:link_add"),
    ("get", "portal:terms_accept"),
    ("post", "portal:password_change"),
    ("post", "portal:email_change"),
    ("post", "portal:delete"),
    ("post", "portal:unlink"),
    ("post", "portal:switch"),
]


@pytest.mark.parametrize(("method", "name"), CARE_PAGES)
def test_school_login_without_a_kajet_account_is_sent_to_sign_in(
    world: SchoolWorld, client_for: Any, method: str, name: str
) -> None:
    client = client_for(world.user("guardian"))
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:signin"))


@pytest.mark.parametrize(("method", "name"), [p for p in CARE_PAGES if p[0] == "get"])
def test_the_account_opens_its_pages(account: PortalAccount, method: str, name: str) -> None:
    response = portal_client(account).get(reverse(name))
    assert response.status_code in (200, 302)
    if name != "portal:terms_accept":
        assert response.status_code == 200


def test_public_computer_school_session_idles_out_sooner(
    account: PortalAccount, world: SchoolWorld, settings: Any
) -> None:
    settings.KAJET_PUBLIC_IDLE_MINUTES = 10
    own = link(account, world.user("guardian"))
    client = portal_client(account, public=True)
    client.post(reverse("portal:switch"), {"link": own.pk})
    page = client.get(reverse("dashboard:home"))
    assert "Public computer: remember to sign out" in page.content.decode()
    assert client.session.get_expire_at_browser_close()
    with time_machine.travel(time.time() + 11 * 60):
        assert client.get(reverse("dashboard:home")).status_code == 302
    # Without "public computer" the family limit (60 minutes) applies.
    other = portal_client(account)
    other.post(reverse("portal:switch"), {"link": own.pk})
    with time_machine.travel(time.time() + 11 * 60):
        assert other.get(reverse("dashboard:home")).status_code == 200
