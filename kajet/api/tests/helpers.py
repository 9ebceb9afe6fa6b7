"""Helpers for the API tests: tokens obtained through the real endpoint."""

from __future__ import annotations

from typing import Any

from django.test import Client

from kajet.testutils.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token"


def token_post(client: Client, **data: Any) -> Any:
    return client.post(TOKEN_URL, data, content_type="application/json")


def token_for(user: Any, password: str = PASSWORD) -> str:
    response = token_post(Client(), login=user.login, password=password)
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def api_get(user: Any, url: str) -> Any:
    return Client().get(url, **bearer(token_for(user)))
