"""Portal fixtures: an activated Kajet account, a client signed in with it through the real
sign-in page, and the two-school world of the root conftest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.portal.models import AgeRange, LoginLink, PortalAccount
from kajet.portal.services import terms_current
from kajet.testutils.browser_fixtures import browser, signed_in  # noqa: F401
from kajet.testutils.smtp import smtp_server  # noqa: F401  (fixture)

PORTAL_PASSWORD = "Kajet-rodzic-2026"


def make_account(email: str = "rodzic@example.pl", *, activated: bool = True) -> PortalAccount:
    now = timezone.now()
    account = PortalAccount(
        email=email,
        age_range=AgeRange.ADULT,
        activated_at=now if activated else None,
        terms=terms_current() if activated else None,
        terms_accepted_at=now if activated else None,
    )
    account.set_password(PORTAL_PASSWORD)
    account.save()
    return account


def portal_client(account: PortalAccount, *, public: bool = False) -> Client:
    client = Client()
    data = {"email": account.email, "password": PORTAL_PASSWORD}
    if public:
        data["public_computer"] = "on"
    response = client.post(reverse("portal:signin"), data)
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def account(db: Any) -> PortalAccount:
    return make_account()


@pytest.fixture
def other_account(db: Any) -> PortalAccount:
    return make_account("inny@example.pl")


@pytest.fixture
def signed_in_portal() -> Callable[..., Client]:
    return portal_client


def link(account: PortalAccount, user: Any) -> LoginLink:
    return LoginLink.objects.create(account=account, user=user)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a request (or a service) and then what it scheduled for after the commit (the
    e-mail): the test's transaction never commits, so this plays the commit."""

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
