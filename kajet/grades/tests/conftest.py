"""A minimal Playwright fixture for the grades browser tests (system Chromium, headless).

Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are
safe (nothing else runs in the loop), so DJANGO_ALLOW_ASYNC_UNSAFE is set while it runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def browser_page() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("needs /usr/bin/chromium")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu"],
                headless=True,
            )
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en")
            page = context.new_page()
            page.set_default_timeout(10_000)
            yield page
            context.close()
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def grades_live_server(transactional_db: Any) -> Iterator[Any]:
    """A live server for one test, stopped at its end (pytest-django's own is session-wide
    and, on PostgreSQL with the connection pool, still holds a connection when the test
    database is dropped)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost:0")
    try:
        yield server
    finally:
        server.stop()
        from django.db import connection

        if connection.vendor == "postgresql" and hasattr(connection, "close_pool"):
            connection.close_pool()  # the server's threads leave pooled connections open
