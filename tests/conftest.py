"""Fixtures for the cross-app browser tests: one Chromium for this suite, a new browser
context (own cookies) per test, screenshots of failed tests in test-artifacts/."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kajet.testutils import browser as helpers
from kajet.testutils.push import push_service, vapid_key  # noqa: F401  (fixtures)
from kajet.testutils.smtp import smtp_server  # noqa: F401  (fixture)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless Chromium shared by every browser test of this suite.

    Package scope: the browser lives from the first browser test of tests/ to the last, and
    is closed before any other package's tests run (an app's own Playwright fixture cannot
    start while another sync Playwright runs in the same thread).
    """
    helpers.require_chromium()
    from playwright.sync_api import sync_playwright

    # The sync API keeps an event loop in the test's thread; the tests' own ORM calls are
    # still ordinary synchronous code, so Django is told not to refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = helpers.launch(playwright)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(
    browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """``new_page(width=1280)``: a page in a fresh browser context (its own cookies) pointed at
    the live server. Every page of a failed test is saved as a PNG in test-artifacts/."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def make(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        helpers.screenshot_all(pages, request.node.nodeid.split("::", 1)[-1])
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A desktop-width page (1280 px) in its own browser context."""
    return new_page()
