"""Crafted ids in every URL (issue 14.5): never a 500.

1. Every Kajet URL pattern takes its ids through the bounded ``id`` converter
   (kajet.core.converters), never Django's unbounded ``int``.
2. Over every pattern with an id: an id beyond the database's range (40 digits), Unicode
   digits (``²``, ``５``, ``٤``), a sign — none of them resolves (404 before any view).
3. Over every pattern with an id: the largest id the converter accepts (18 nines, no such
   row) gets 404 (or 405) for GET and POST, for staff and a family, page and API alike.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.urlwalk import Route, all_routes, close_response

ROUTES = all_routes()
KAJET_ROUTES = [r for r in ROUTES if r.app]
ID_ROUTES = [r for r in KAJET_ROUTES if r.int_kwargs()]
BAD_IDS = ["9" * 40, "²", "５", "٤", "-1", "1.0", "0x1"]
LARGEST = "9" * 18

#: Plain values for the non-id arguments of a route.
PLAIN = {"str": "2026-09-01", "slug": "klasy", "path": "x"}


def build(route: Route, id_value: str) -> str:
    values: dict[str, Any] = {}
    for name, conv in route.kwargs:
        values[name] = id_value if conv == "int" else PLAIN.get(conv, "x")
    if "token" in values:
        values["token"] = "x" * 20
    return route.build(values)


def test_every_id_uses_the_bounded_converter() -> None:
    unbounded = [r.label for r in KAJET_ROUTES if "int" in r.converters]
    assert unbounded == [], "use <id:...> (kajet.core.converters) for ids"
    assert ID_ROUTES, "the walk found no route with an id"


@pytest.mark.parametrize("route", ID_ROUTES, ids=lambda r: r.label)
def test_out_of_range_and_unicode_ids_do_not_resolve(route: Route) -> None:
    for bad in BAD_IDS:
        url = build(route, bad)
        with pytest.raises(Resolver404):
            match = resolve(url)
            pytest.fail(f"{url} resolved to {match.view_name}")


@pytest.fixture
def clients(world: Any, client_for: Any) -> list[Client]:
    return [client_for(world.user("principal")), client_for(world.user("guardian"))]


@pytest.mark.django_db
@pytest.mark.parametrize("route", ID_ROUTES, ids=lambda r: r.label)
def test_largest_id_is_404(route: Route, clients: list[Client]) -> None:
    url = build(route, LARGEST)
    for client in clients:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            close_response(response)
            assert response.status_code in (404, 405), (method, url, response.status_code)


# --- 4. Crafted values in every form of every page ---------------------------------------------
# Over every page without arguments that a role sees: every form on it is posted with each
# field set to a crafted value (Unicode digits, a 40-digit number, only invisible characters,
# a duplicated id). Never a 500.

CRAFTED_VALUES = ["²", "٤", "５", "9" * 40, "\u200b\u200c", "-1"]
_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
_ACTION = re.compile(r"""action=["']([^"']*)["']""", re.I)
_METHOD = re.compile(r"""method=["']?post""", re.I)
_NAME = re.compile(r"""<(?:input|select|textarea)\b[^>]*\bname=["']([^"']+)["'][^>]*>""", re.I)
_TOKEN = re.compile(r"""name=["']csrfmiddlewaretoken["'][^>]*value=["']([^"']+)["']""", re.I)


def post_forms(html: str, page_url: str) -> list[tuple[str, list[str]]]:
    found = []
    for form in _FORM.findall(html):
        opening = form[: form.index(">")]
        if not _METHOD.search(opening):
            continue
        action = _ACTION.search(opening)
        url = action.group(1) if action and action.group(1) else page_url
        if not url.startswith("/") or url.startswith("/i18n/") or "wyloguj" in url:
            continue
        names = sorted(set(_NAME.findall(form)) - {"csrfmiddlewaretoken"})
        found.append((url, names))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["guardian", "student", "teacher", "homeroom_teacher", "principal"]
)
def test_crafted_values_in_every_form_never_give_500(world: Any, role: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.user(role), backend="kajet.accounts.backends.LoginBackend")
    failures = []
    posted = 0
    for route in ROUTES:
        if route.kwargs or route.is_api or not route.app:
            continue
        page_url = route.build({})
        page = client.get(page_url)
        close_response(page)
        if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
            continue
        for url, names in post_forms(page.content.decode(), page_url):
            for value in CRAFTED_VALUES:
                data = {name: [value, value] if name.endswith("s") else value for name in names}
                response = client.post(url, data)
                close_response(response)
                posted += 1
                if response.status_code >= 500:
                    failures.append(f"{url} {value!r}: {response.status_code}")
    assert posted > 10
    assert not failures, "\n".join(failures)
