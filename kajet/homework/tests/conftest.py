from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kajet.homework.models import Homework


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


def make_homework(world: Any, *, days: int = 2, title: str = "Zadanie 1", **kw: Any) -> Homework:
    today = timezone.localdate()
    return Homework.objects.create(
        school=world.school,
        course=kw.pop("course", world.course),
        title=title,
        description=kw.pop("description", "Strona 12, ćw. 3"),
        set_on=kw.pop("set_on", today - datetime.timedelta(days=1)),
        due_on=today + datetime.timedelta(days=days),
        author=world.user("teacher"),
        **kw,
    )


@pytest.fixture
def homework(world: Any) -> Homework:
    return make_homework(world)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # The tests read English texts; the UI's default language is Polish.
    settings.LANGUAGE_CODE = "en"


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
        # While Playwright's loop runs, the test's ORM calls get their own connection (a
        # different async context); close it here, in that context, or PostgreSQL refuses to
        # drop the test database at the end of the session.
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
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        return page

    return make
