"""Just-issued passwords: encrypted in the session, key only in the browser, short-lived."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from kajet.school.slips import (
    COOKIE_NAME,
    SESSION_KEY,
    SLIP_TTL_SECONDS,
    Slip,
    SlipPerson,
    slips_clear,
    slips_load,
    slips_store,
)
from kajet.school.tests.conftest import OUTSIDERS

pytestmark = pytest.mark.django_db

SLIPS = [
    Slip("Zofia Wójcik", "1a", [SlipPerson("student", "Zofia Wójcik", "4829113u", "Hasło7xYz")])
]


def request_with_session() -> Any:
    request = RequestFactory().get("/szkola/loginy/")
    request.session = SessionStore()
    return request


def test_round_trip_and_nothing_readable_in_the_database() -> None:
    request = request_with_session()
    response = HttpResponse()
    slips_store(request, response, SLIPS)
    request.session.save()
    stored = Session.objects.get(session_key=request.session.session_key).session_data
    assert "Hasło7xYz" not in stored
    assert "Hasło7xYz" not in str(request.session[SESSION_KEY])
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["path"] == "/szkola/"
    request.COOKIES[COOKIE_NAME] = cookie.value
    assert slips_load(request) == SLIPS


def test_without_the_browser_key_nothing_loads() -> None:
    request = request_with_session()
    slips_store(request, HttpResponse(), SLIPS)
    assert slips_load(request) == []
    other = request_with_session()
    other_response = HttpResponse()
    slips_store(other, other_response, SLIPS)
    request.COOKIES[COOKIE_NAME] = other_response.cookies[COOKIE_NAME].value  # wrong key
    assert slips_load(request) == []


def test_tampered_ciphertext_is_refused() -> None:
    request = request_with_session()
    response = HttpResponse()
    slips_store(request, response, SLIPS)
    request.COOKIES[COOKIE_NAME] = response.cookies[COOKIE_NAME].value
    data = request.session[SESSION_KEY]["data"]
    request.session[SESSION_KEY] = {
        **request.session[SESSION_KEY],
        "data": data[:-4] + ("AAAA" if data[-4:] != "AAAA" else "BBBB"),
    }
    assert slips_load(request) == []


def _stored_for_browser() -> tuple[Any, str]:
    request = request_with_session()
    response = HttpResponse()
    slips_store(request, response, SLIPS)
    key = response.cookies[COOKIE_NAME].value
    request.COOKIES[COOKIE_NAME] = key
    return request, key


def _with_data(request: Any, data: str) -> None:
    request.session[SESSION_KEY] = {**request.session[SESSION_KEY], "data": data}


def test_the_secret_is_a_fernet_token_under_the_browser_key() -> None:
    request, key = _stored_for_browser()
    token = request.session[SESSION_KEY]["data"]
    assert base64.urlsafe_b64decode(token)[0] == 0x80  # Fernet's version byte
    assert json.loads(Fernet(key.encode()).decrypt(token.encode()))[0]["title"] == "Zofia Wójcik"


@pytest.mark.parametrize("position", [0, 9, 30, 60, -40, -1])
def test_a_token_changed_in_any_byte_is_refused(position: int) -> None:
    request, _key = _stored_for_browser()
    raw = bytearray(base64.urlsafe_b64decode(request.session[SESSION_KEY]["data"]))
    raw[position] ^= 0x01
    _with_data(request, base64.urlsafe_b64encode(bytes(raw)).decode())
    assert slips_load(request) == []


@pytest.mark.parametrize("cookie", ["", "not-a-key", "QUJD", "é" * 44])
def test_a_garbled_browser_key_is_refused(cookie: str) -> None:
    request, _key = _stored_for_browser()
    request.COOKIES[COOKIE_NAME] = cookie
    assert slips_load(request) == []


def test_a_value_of_the_former_home_made_cipher_is_refused() -> None:
    # nonce (16) ‖ HMAC tag (32) ‖ XOR-ed body, base64: what sessions held before Fernet.
    request, _key = _stored_for_browser()
    _with_data(request, base64.b64encode(bytes(range(48)) + b"x" * 40).decode())
    assert slips_load(request) == []


def test_a_token_older_than_the_lifetime_is_refused_even_if_the_session_says_otherwise() -> None:
    request, key = _stored_for_browser()
    old = Fernet(key.encode()).encrypt_at_time(b"[]", int(time.time()) - SLIP_TTL_SECONDS - 5)
    _with_data(request, old.decode())
    assert slips_load(request) == []


def test_expired_slips_are_dropped() -> None:
    request = request_with_session()
    response = HttpResponse()
    slips_store(request, response, SLIPS)
    request.COOKIES[COOKIE_NAME] = response.cookies[COOKIE_NAME].value
    request.session[SESSION_KEY]["at"] = time.time() - SLIP_TTL_SECONDS - 1
    assert slips_load(request) == []
    assert SESSION_KEY not in request.session


def test_clear_removes_both_halves() -> None:
    request = request_with_session()
    response = HttpResponse()
    slips_store(request, response, SLIPS)
    cleared = HttpResponse()
    slips_clear(request, cleared)
    assert SESSION_KEY not in request.session
    assert cleared.cookies[COOKIE_NAME]["max-age"] == 0


@pytest.mark.parametrize("role", OUTSIDERS)
def test_slip_pages_are_404_for_other_roles(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    assert client.get(reverse("school:issued")).status_code == 404
    assert client.get(reverse("school:slips_print")).status_code == 404
    assert client.post(reverse("school:slips_forget")).status_code == 404


def test_slip_page_has_everything_a_family_needs(world: Any, office: Client) -> None:
    office.post(reverse("school:student_password_reset", args=[world.student.pk]))
    office.cookies["django_language"] = "en"
    page = office.get(reverse("school:slips_print"))
    html = page.content.decode()
    (slip,) = page.context["slips"]
    assert slip.people[0].login == world.student.user.login
    assert slip.people[0].password in html
    assert world.school.name in html
    assert "http://testserver/konto/logowanie/" in html
    assert "first sign-in you must choose your own new password" in html
    assert 'class="slip' in html
    # "Done" (without beacon) clears and goes back to the hub.
    response = office.post(reverse("school:slips_forget"))
    assert response.status_code == 302
    assert office.get(reverse("school:slips_print")).context["slips"] == []


def test_slips_of_one_user_are_not_visible_to_another(world: Any, client_for: Any) -> None:
    secretariat = client_for(world.user("secretariat"))
    secretariat.post(reverse("school:student_password_reset", args=[world.student.pk]))
    admin = client_for(world.user("school_admin"))
    admin.cookies[COOKIE_NAME] = secretariat.cookies[COOKIE_NAME].value  # even with the key
    assert admin.get(reverse("school:slips_print")).context["slips"] == []
