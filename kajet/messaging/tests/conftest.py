"""Messaging tests read English messages (the UI's default is Polish; translations arrive
separately), and the browser tests get a minimal Playwright fixture."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    # uploaded attachments go to a throw-away folder
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser(monkeypatch: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test's thread; the test's own ORM
    # calls are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu"],
            headless=True,
        )
        yield chromium
        chromium.close()


@pytest.fixture
def signed_in(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
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
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield make
    # Hand the test's own connection back (PostgreSQL pool), or it keeps the test DB open.
    from django.db import connections

    connections.close_all()
