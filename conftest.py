"""Shared fixtures: two schools with a person in every role, signed-in clients, and the
rule that tests run outside any school scope unless a request opens one."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django_scopes import scope, scopes_disabled

from kajet.testutils.factories import SchoolWorld, make_world


@pytest.fixture(autouse=True)
def _no_scope_in_tests() -> Iterator[None]:
    # Fixtures build and tear down both schools, so they run with scopes disabled; the test
    # body gets school A's scope (pytest_runtest_call below).
    with scopes_disabled():
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test that uses ``world`` runs its body inside school A's scope, as a request of one of
    its users would: a selector or service that forgets its school, or reads another school's
    rows, fails the test instead of passing with scopes disabled. A test that has to look at
    school B (isolation checks) opens ``scopes_disabled()`` or ``scope(school=...)`` itself;
    each request still opens its own scope in SchoolScopeMiddleware."""
    world = getattr(item, "funcargs", {}).get("world")
    if world is None:
        return (yield)
    with scope(school=world.school.pk):
        return (yield)


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Each test's database starts over (same ids, frozen clocks): a page cached by an
    # earlier test must not answer for this one.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _postgres_stray_connections(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Browser tests query the database from inside Playwright's event loop, where Django
    opens connections of their own that nobody closes; on PostgreSQL they would keep the test
    database from being dropped. End them before the test database is torn down."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> Iterator[None]:
    # Assertions read English messages (the msgids). The product's default is Polish; the
    # tests that check the Polish default set LANGUAGE_CODE = "pl" themselves.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def one_request_at_a_time(app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """The WSGI ``app`` answering one request at a time, its body read inside the turn."""
    turn = threading.Lock()

    def serialized(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with turn:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()

    return serialized


@pytest.fixture(scope="session")
def live_server(live_server: Any) -> Any:
    """pytest-django's live server, answering one request at a time on in-memory SQLite.

    There the server's request threads share the test's one SQLite connection
    (``connections_override``), and a browser asks for several things at once; two threads
    running statements on one ``sqlite3`` connection hung a CI run for good (a room's week page
    and a session read, 2026-12-06). PostgreSQL gives every thread its own connection and
    keeps the threaded server as it is."""
    if live_server.thread.connections_override:
        httpd = live_server.thread.httpd
        httpd.set_app(one_request_at_a_time(httpd.get_app()))
    return live_server


@pytest.fixture
def world(db: Any) -> SchoolWorld:
    """School A: the school whose users the tests act as."""
    return make_world("a")


@pytest.fixture
def other_world(db: Any) -> SchoolWorld:
    """School B: the same roles in another school (must get 404 for school A's objects)."""
    return make_world("b")


@pytest.fixture
def client_for(db: Any) -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user, backend="kajet.accounts.backends.LoginBackend")
        return client

    return make


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
