"""Activation: the link works 14 days, records the terms and the time, expires with a way out."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.portal.models import PortalAccount
from kajet.portal.services import terms_current, terms_publish
from kajet.portal.tests.test_register import GOOD

pytestmark = pytest.mark.django_db


def _register(committed: Any, client: Client) -> str:
    committed(client.post, reverse("portal:register"), GOOD)
    match = re.search(r"(/konto-kajet/aktywuj/\?t=\S+)", mail.outbox[-1].body)
    assert match
    return match.group(1)


def test_activation_records_terms_version_and_time(committed: Any, client: Client) -> None:
    link = _register(committed, client)
    terms_v2 = terms_publish(text="Druga wersja")
    page = client.get(link)
    assert page.status_code == 200 and "Druga wersja" in page.content.decode()
    response = committed(client.post, link)
    assert response.status_code == 302 and response["Location"] == reverse("portal:signin")
    account = PortalAccount.objects.get()
    assert account.activated_at is not None
    assert account.terms == terms_v2
    assert account.terms_accepted_at == account.activated_at


def test_a_used_link_says_the_account_is_active(committed: Any, client: Client) -> None:
    link = _register(committed, client)
    committed(client.post, link)
    activated = PortalAccount.objects.get().activated_at
    again = committed(client.post, link)
    assert again.status_code == 200 and "already active" in again.content.decode()
    assert PortalAccount.objects.get().activated_at == activated


def test_an_expired_link_says_so_and_offers_a_new_one(committed: Any, client: Client) -> None:
    link = _register(committed, client)
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        page = client.get(link)
        assert page.status_code == 400 and "has expired" in page.content.decode()
        assert committed(client.post, link).status_code == 200  # sends a new link
        assert PortalAccount.objects.get().activated_at is None
        new_link = re.search(r"(/konto-kajet/aktywuj/\?t=\S+)", mail.outbox[-1].body)
        assert new_link and new_link.group(1) != link
        assert (
            "has expired" in client.get(link).content.decode()
            or client.get(link).status_code == 400
        )
        assert committed(client.post, new_link.group(1)).status_code == 302
    assert PortalAccount.objects.get().activated_at is not None


def test_a_tampered_link_activates_nothing(committed: Any, client: Client) -> None:
    link = _register(committed, client)
    response = committed(client.post, link[:-3] + "abc")
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert PortalAccount.objects.get().activated_at is None


def test_an_old_link_dies_when_a_new_one_is_sent(committed: Any, client: Client) -> None:
    link = _register(committed, client)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        committed(client.post, link)  # expired: a new one is sent
    assert committed(client.post, link).status_code == 400
    assert PortalAccount.objects.get().activated_at is None


def test_terms_exist_after_migrations() -> None:
    terms = terms_current()
    assert terms is not None and terms.version == 1 and "Regulamin Konta Kajet" in terms.text
