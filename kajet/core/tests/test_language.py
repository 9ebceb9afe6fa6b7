from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_polish_is_the_default_whatever_the_browser_says(settings: Any) -> None:
    settings.LANGUAGE_CODE = "pl"
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    response = client.get(reverse("accounts:login"))
    assert response["Content-Language"] == "pl"
    body = response.content.decode()
    assert '<html lang="pl">' in body
    assert "Rodzic lub uczeń" in body
    assert "Pracownik szkoły" in body


def test_english_when_chosen(settings: Any) -> None:
    settings.LANGUAGE_CODE = "pl"
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/konto/logowanie/"})
    assert response.status_code == 302
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in body
    assert "Parent or student" in body


def test_unknown_language_cookie_falls_back_to_polish(settings: Any) -> None:
    settings.LANGUAGE_CODE = "pl"
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get(reverse("accounts:login"))["Content-Language"] == "pl"
