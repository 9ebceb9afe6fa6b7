"""Error pages without internals (DEBUG off, as in production), the request size limits and
the friendly CSRF refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

INTERNALS = ("Traceback", "RuntimeError", "hunter2", "urlpatterns", "DEBUG", "settings.py")


def templates(response: Any) -> list[str]:
    return [t.name for t in response.templates]


def assert_no_internals(body: str) -> None:
    for word in INTERNALS:
        assert word not in body


def test_debug_is_off_in_tests() -> None:
    assert settings.DEBUG is False


@pytest.mark.parametrize("path", ["/nie-ma-takiej-strony/", "/konto/sesje/999/zakoncz/x"])
def test_unknown_url_gets_the_404_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "404.html" in templates(response)
    assert_no_internals(response.content.decode())


def test_404_page_for_signed_in_user_has_the_layout(client_for: Any, world: Any) -> None:
    response = client_for(world.user("guardian")).get("/nie-ma/")
    assert response.status_code == 404
    assert "base.html" in templates(response)


@pytest.mark.urls("kajet.core.tests.urls_boom")
def test_server_error_gets_the_500_page_without_internals(world: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.user("teacher"), backend="kajet.accounts.backends.LoginBackend")
    response = client.get("/test-boom/")
    assert response.status_code == 500
    assert "500.html" in templates(response)
    body = response.content.decode()
    assert "<h1>" in body
    assert_no_internals(body)


def test_form_data_above_the_limit_is_refused_with_a_page(client: Client, world: Any) -> None:
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(
        reverse("accounts:login") + "?jako=rodzina",
        {"login": world.user("guardian").login, "password": PASSWORD, "filler": big},
    )
    assert response.status_code == 400
    assert "400.html" in templates(response)
    assert "_auth_user_id" not in client.session
    assert_no_internals(response.content.decode())


def test_body_above_the_request_limit_is_413(client: Client, settings: Any) -> None:
    settings.KAJET_MAX_REQUEST_BYTES = 1024
    response = client.post(
        reverse("accounts:login") + "?jako=rodzina",
        {"login": "x", "password": "y", "file": "z" * 2000},
    )
    assert response.status_code == 413
    assert "core/413.html" in templates(response)
    assert_no_internals(response.content.decode())


def test_declared_length_is_enough_to_refuse(client: Client) -> None:
    response = client.post(
        "/konto/logowanie/",
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(settings.KAJET_MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert f"{settings.KAJET_MAX_REQUEST_BYTES // 2**20} MB" in response.content.decode()


def test_api_gets_json_413(client: Client, settings: Any) -> None:
    settings.KAJET_MAX_REQUEST_BYTES = 1024
    response = client.post(
        "/api/v1/auth/token", {"login": "x" * 2000}, content_type="application/json"
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_post_without_csrf_token_is_403_with_the_friendly_page(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login") + "?jako=rodzina",
        {"login": world.user("guardian").login, "password": PASSWORD},
    )
    assert response.status_code == 403
    assert "core/403_csrf.html" in templates(response)
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "CSRF verification failed" not in body and "Referer" not in body
    assert "The form has expired" in body


def test_signed_in_post_without_csrf_token_is_403(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("guardian"), backend="kajet.accounts.backends.LoginBackend")
    response = client.post(reverse("accounts:sessions_end_others"))
    assert response.status_code == 403
    assert "core/403_csrf.html" in templates(response)


def test_post_with_csrf_token_passes(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login") + "?jako=rodzina")
    token = page.context["csrf_token"]
    response = client.post(
        reverse("accounts:login") + "?jako=rodzina",
        {"login": world.user("guardian").login, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
