from typing import Any

import pytest

from kajet.testutils.browser_fixtures import browser, signed_in  # noqa: F401  (browser tests)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    # uploaded excuse documents go to a throw-away folder
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser_page() -> Any:
    """A Playwright page on the system Chromium (headless), 1280 px wide."""
    import os

    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("needs /usr/bin/chromium")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API keeps an event loop in this thread; the test's ORM calls are safe.
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
            page.set_default_timeout(15_000)
            yield page
            context.close()
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def attendance_live_server(transactional_db: Any) -> Any:
    """A live server for one test, stopped at its end."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost:0")
    try:
        yield server
    finally:
        server.stop()
        # Stray connections are ended once, before the test database is dropped (root
        # conftest); ending them here would cut connections other tests still hold.
