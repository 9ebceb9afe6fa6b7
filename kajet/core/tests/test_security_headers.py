"""Headers and cookie flags every page carries (clickjacking, sniffing, referrers, cookies)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_pages_refuse_framing_and_sniffing(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(client: Client, world: Any) -> None:
    response = client.post(
        reverse("accounts:login") + "?jako=rodzina",
        {"login": world.user("guardian").login, "password": PASSWORD},
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_api_responses_are_not_framable(client_for: Any, world: Any) -> None:
    response = client_for(world.user("guardian")).get("/api/v1/me")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
