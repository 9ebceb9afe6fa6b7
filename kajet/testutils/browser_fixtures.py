"""Per-test Playwright fixtures for an app's browser tests (import them in the app's
tests/conftest.py): ``browser`` (the system Chromium, skipped when missing, mandatory with
CI=true) and ``signed_in(user, width=1280)`` (a page signed in through the real form)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kajet.testutils.browser import launch, require_chromium


@pytest.fixture
def browser(monkeypatch: Any) -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test's thread; the test's own ORM
    # calls are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()
        # While Playwright's loop runs, the test's ORM calls get their own connection (a
        # different async context); close it here, in that context.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def signed_in(browser: Any, live_server: Any) -> Callable[..., Any]:
    """A new browser page signed in through the real sign-in form as ``user``."""
    from kajet.testutils.factories import PASSWORD

    def make(user: Any, width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en")
        page = context.new_page()
        page.set_default_timeout(15000)
        kind = "pracownik" if user.kind == "staff" else "rodzina"
        page.goto(f"{live_server.url}/konto/logowanie/?jako={kind}")
        page.fill("input[name=login]", user.login)
        page.fill("input[name=password]", PASSWORD)
        # Wait for the answer to the form, not for the sign-in page's own load state: a goto
        # right after the click would otherwise abort the POST before its cookie arrives.
        with page.expect_navigation():
            page.click("main button[type=submit]")
        return page

    return make
