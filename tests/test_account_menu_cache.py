"""The account menu's links are kept rendered (``{% cache %}`` in base.html) per kind of user,
Kajet-account session and language; the sign-out form under them (a CSRF token) is rendered
per request. From the cache the menu must be what each kind of user gets afresh."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kajet.portal.services import PORTAL_KEY

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")


def _menu(client: Client) -> str:
    body = client.get(HOME).content.decode()
    found = re.search(r'<details class="user-menu".*?</details>', body, re.S)
    assert found is not None
    return found.group(0)


def _links(menu: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', menu)


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "principal"])
def test_the_kept_menu_is_the_menu_built_afresh(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    cache.clear()
    fresh = _menu(client)
    kept = _menu(client)
    # The CSRF token is masked anew on every response: the rest is equal.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", kept) == token.sub("", fresh)
    assert token.search(kept)  # the sign-out form is there, with a token of this response


def test_each_kind_and_the_kajet_account_get_their_own_links(world: Any, client_for: Any) -> None:
    guardian, teacher = client_for(world.user("guardian")), client_for(world.user("teacher"))
    two_factor, children = reverse("accounts:totp_setup"), reverse("school:children")
    # Warm the cache with one kind, then read the other: each gets its own links.
    for _ in range(2):
        assert children in _links(_menu(guardian))
        assert two_factor not in _links(_menu(guardian))
        assert two_factor in _links(_menu(teacher))
        assert children not in _links(_menu(teacher))
    switch = reverse("portal:home")
    assert switch not in _links(_menu(guardian))
    session = guardian.session
    session[PORTAL_KEY] = 1
    session.save()
    assert switch in _links(_menu(guardian))
    assert switch not in _links(_menu(teacher))


def test_the_menu_follows_the_language(world: Any, client_for: Any) -> None:
    client = client_for(world.user("guardian"))
    english = _menu(client)
    client.post(reverse("set_language"), {"language": "pl", "next": HOME})
    polish = _menu(client)
    assert "Change password" in english and "Change password" not in polish
    assert "Zmień hasło" in polish
