"""Switching among linked logins: one tap, a real session of that school login, and a link
never reaches another school's data or another account's links."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kajet.accounts.models import UserSession
from kajet.portal.models import LoginLink, PortalAccount
from kajet.portal.services import PORTAL_KEY
from kajet.portal.tests.conftest import link, portal_client
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db


def test_switch_acts_as_the_school_login(
    account: PortalAccount, world: SchoolWorld, other_world: SchoolWorld
) -> None:
    a = link(account, world.user("guardian"))
    b = link(account, other_world.user("guardian"))
    client = portal_client(account)
    response = client.post(reverse("portal:switch"), {"link": a.pk})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:home")
    assert int(client.session["_auth_user_id"]) == world.user("guardian").pk
    assert client.session[PORTAL_KEY] == account.pk
    home = client.get(reverse("dashboard:home"))
    assert home.status_code == 200
    # The other school's student is not reachable with this login (404, as today).
    url = reverse("school:student_detail", args=[other_world.student.pk])
    assert client.get(url).status_code == 404
    # One tap to the other school's login.
    client.post(reverse("portal:switch"), {"link": b.pk})
    assert int(client.session["_auth_user_id"]) == other_world.user("guardian").pk
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert UserSession.objects.filter(user=world.user("guardian"), ended_at__isnull=False).exists()
    a.refresh_from_db()
    assert a.last_used_at is not None


def test_another_accounts_link_is_404(
    account: PortalAccount, other_account: PortalAccount, world: SchoolWorld
) -> None:
    theirs = link(other_account, world.user("guardian"))
    client = portal_client(account)
    assert client.post(reverse("portal:switch"), {"link": theirs.pk}).status_code == 404
    assert client.post(reverse("portal:switch"), {"link": "x"}).status_code == 404
    assert "_auth_user_id" not in client.session


def test_switch_needs_a_portal_session(world: SchoolWorld, client_for: Any) -> None:
    account = PortalAccount.objects.create(email="x@example.pl", age_range="18+")
    own = LoginLink.objects.create(account=account, user=world.user("guardian"))
    school_session = client_for(world.user("student"))
    response = school_session.post(reverse("portal:switch"), {"link": own.pk})
    assert response.status_code == 302 and reverse("portal:signin") in response["Location"]
    assert int(school_session.session["_auth_user_id"]) == world.user("student").pk


def test_signing_out_of_the_school_login_ends_the_portal_too(
    account: PortalAccount, world: SchoolWorld
) -> None:
    a = link(account, world.user("guardian"))
    client = portal_client(account)
    client.post(reverse("portal:switch"), {"link": a.pk})
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_password_change_elsewhere_ends_the_portal_session(
    account: PortalAccount,
) -> None:
    client = portal_client(account)
    account.set_password("Nowe-haslo-2027")
    account.save()
    assert client.get(reverse("portal:home")).status_code == 302
