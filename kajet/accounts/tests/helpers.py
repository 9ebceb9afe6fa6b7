"""Helpers for the accounts tests: real sign-ins through the pages, TOTP devices."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pyotp
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.accounts.models import TotpDevice, User

FAMILY = reverse("accounts:login") + "?jako=rodzina"
STAFF = reverse("accounts:login") + "?jako=pracownik"


def url_for(user: User) -> str:
    return STAFF if user.kind == User.Kind.STAFF else FAMILY


def post_signin(client: Client, url: str, login: str, password: str, **extra: Any) -> Any:
    return client.post(url, {"login": login, "password": password}, **extra)


def signed_in_client(user: User, password: str, **extra: Any) -> Client:
    """A client signed in through the real sign-in page (records, device row, session)."""
    client = Client(**extra)
    response = post_signin(client, url_for(user), user.login, password)
    assert response.status_code == 302, response.content
    return client


def confirmed_totp(user: User) -> pyotp.TOTP:
    """Give the user a confirmed authenticator; returns the app's side of it."""
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return pyotp.TOTP(secret)


@contextmanager
def counting_hashes() -> Iterator[dict[str, mock.MagicMock]]:
    """Count calls of the (test) password hasher without changing what it does."""
    with (
        mock.patch.object(
            MD5PasswordHasher, "verify", autospec=True, side_effect=MD5PasswordHasher.verify
        ) as verify,
        mock.patch.object(
            MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
        ) as encode,
    ):
        yield {"verify": verify, "encode": encode}
