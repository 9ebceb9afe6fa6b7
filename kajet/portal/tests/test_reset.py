"""Forgotten password: a one-hour, single-use link by e-mail; the same answer for every
address; rate limits; abuse of links refused."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kajet.accounts.models import UserSession
from kajet.accounts.services import api_token_create
from kajet.portal.models import PasswordResetRequest, PortalAccount
from kajet.portal.tests.conftest import PORTAL_PASSWORD, make_account, portal_client
from kajet.testutils.factories import PASSWORD, SchoolWorld

pytestmark = pytest.mark.django_db

NEW = "Nowe-Haslo-2027!"


@pytest.fixture(autouse=True)
def _fast_answers(settings: Any) -> None:
    settings.KAJET_RESET_ANSWER_SECONDS = 0


def _ask(committed: Any, email: str, client: Client | None = None) -> Any:
    return committed(
        (client or Client()).post, reverse("portal:password_forgotten"), {"email": email}
    )


def _link() -> str:
    match = re.search(r"(/konto-kajet/haslo/nowe/\?t=\S+)", mail.outbox[-1].body)
    assert match
    return match.group(1)


def _set(link: str, password: str = NEW, client: Client | None = None) -> Any:
    return (client or Client()).post(
        link, {"new_password": password, "new_password_again": password}
    )


def _without_csrf(response: Any) -> str:
    text = re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[A-Za-z0-9]{64}"', "", text)


def test_known_and_unknown_address_get_the_same_answer(
    committed: Any, account: PortalAccount
) -> None:
    known = _ask(committed, account.email)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [account.email]
    unknown = _ask(committed, "nikt@example.pl")
    assert len(mail.outbox) == 1
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known) == _without_csrf(unknown)


def test_reset_sets_the_password_and_ends_other_sessions(
    committed: Any, account: PortalAccount
) -> None:
    elsewhere = portal_client(account)
    _ask(committed, account.email)
    response = _set(_link())
    assert response.status_code == 302 and response["Location"] == reverse("portal:signin")
    account.refresh_from_db()
    assert account.check_password(NEW)
    assert elsewhere.get(reverse("portal:home")).status_code == 302  # signed out there


def test_a_used_link_is_refused(committed: Any, account: PortalAccount) -> None:
    _ask(committed, account.email)
    link = _link()
    _set(link)
    again = _set(link, "Trzecie-Haslo-2028!")
    assert again.status_code == 400 and "already been used" in again.content.decode()
    account.refresh_from_db()
    assert account.check_password(NEW)


def test_an_expired_link_is_refused(committed: Any, account: PortalAccount) -> None:
    _ask(committed, account.email)
    link = _link()
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = _set(link)
    assert response.status_code == 400 and "expired" in response.content.decode()
    account.refresh_from_db()
    assert account.check_password(PORTAL_PASSWORD)


def test_another_users_link_changes_only_its_owner(committed: Any, account: PortalAccount) -> None:
    other = make_account("drugi@example.pl")
    _ask(committed, other.email)
    link = _link()
    # Signed in as the first account, using the second account's link.
    response = _set(link, client=portal_client(account))
    assert response.status_code == 302
    account.refresh_from_db()
    other.refresh_from_db()
    assert account.check_password(PORTAL_PASSWORD)
    assert other.check_password(NEW)


def test_a_newer_link_does_not_revive_after_use(committed: Any, account: PortalAccount) -> None:
    _ask(committed, account.email)
    first = _link()
    _ask(committed, account.email)
    second = _link()
    assert _set(second).status_code == 302
    assert _set(first, "Inne-Haslo-2029!").status_code == 400  # every open link of the owner ends


@pytest.mark.parametrize("token", ["", "abc", "x" * 43])
def test_a_made_up_link_is_refused(token: str) -> None:
    response = Client().get(reverse("portal:password_reset") + f"?t={token}")
    assert response.status_code == 400 and "not valid" in response.content.decode()


def test_bad_new_password_in_polish_changes_nothing(
    committed: Any, account: PortalAccount, settings: Any
) -> None:
    _ask(committed, account.email)
    link = _link()
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        weak = _set(link, "12345678")
        different = Client().post(link, {"new_password": NEW, "new_password_again": NEW + "x"})
    assert weak.status_code == different.status_code == 400
    assert "Oba hasła są różne." in different.content.decode()
    account.refresh_from_db()
    assert account.check_password(PORTAL_PASSWORD)
    assert PasswordResetRequest.objects.get(account=account).used_at is None


def test_address_limit_sends_nothing_more_but_answers_the_same(
    committed: Any, account: PortalAccount, settings: Any
) -> None:
    settings.KAJET_RESET_PER_ADDRESS_HOUR = 2
    answers = [_ask(committed, account.email) for _ in range(4)]
    assert len(mail.outbox) == 2
    assert {a.status_code for a in answers} == {200}


def test_network_limit(committed: Any, settings: Any, db: Any) -> None:
    settings.KAJET_RESET_PER_NETWORK_HOUR = 3
    client = Client()
    for n in range(3):
        _ask(committed, f"ktos{n}@example.pl", client)
    refused = _ask(committed, "ktos9@example.pl", client)
    assert refused.status_code == 429


def test_staff_with_an_email_on_file_get_a_link(
    committed: Any, world: SchoolWorld, client_for: Any
) -> None:
    teacher = world.user("teacher")
    teacher.email = "nauczyciel@example.pl"
    teacher.save(update_fields=["email"])
    from django.test import RequestFactory

    token = api_token_create(request=RequestFactory().get("/"), user=teacher)
    assert token
    _ask(committed, "Nauczyciel@example.pl")
    assert teacher.login in mail.outbox[0].body
    response = _set(_link())
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.check_password(NEW) and not teacher.check_password(PASSWORD)
    assert not UserSession.objects.filter(user=teacher, ended_at__isnull=True).exists()


def test_family_logins_get_no_link(committed: Any, world: SchoolWorld) -> None:
    guardian = world.user("guardian")
    guardian.email = "rodzic.szkolny@example.pl"
    guardian.save(update_fields=["email"])
    _ask(committed, guardian.email)
    assert not mail.outbox


def test_unactivated_account_gets_no_link(committed: Any, db: Any) -> None:
    make_account("nowy@example.pl", activated=False)
    _ask(committed, "nowy@example.pl")
    assert not mail.outbox


def test_bad_address_is_refused_in_polish(settings: Any, db: Any) -> None:
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        response = Client().post(reverse("portal:password_forgotten"), {"email": "nie-adres"})
    assert (
        response.status_code == 400 and "Podaj poprawny adres e-mail." in response.content.decode()
    )
    assert not PasswordResetRequest.objects.exists()


def test_pages_link_to_the_reset(db: Any) -> None:
    assert (
        reverse("portal:password_forgotten")
        in Client().get(reverse("portal:signin")).content.decode()
    )
    staff = Client().get(reverse("accounts:login") + "?jako=pracownik").content.decode()
    assert reverse("portal:password_forgotten") in staff
    assert PortalAccount.objects.count() == 0
