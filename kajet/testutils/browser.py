"""Helpers for browser tests: Playwright (sync API) driving the system Chromium, headless.

Used by tests/conftest.py (one browser for the cross-app suite, a new context per test) and
free for any app's browser tests. Selectors here do not depend on the UI language: they use
names, ids, roles and hrefs (``?jako=rodzina``), never visible English or Polish text.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
SIGN_IN = "/konto/logowanie/"


def require_chromium() -> None:
    """Skip the test when Chromium or Playwright is missing; with CI=true fail instead (the
    browser tests are mandatory in CI)."""
    missing = ""
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (Debian package chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright Python package is missing"
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests are mandatory with CI=true: {missing}")
        pytest.skip(missing)


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
    )


def _submit(page: Page) -> None:
    # Wait for the form's answer (a goto right after the click would abort the POST).
    with page.expect_navigation():
        page.locator("main form:has(input[name=password]) [type=submit]").click()


def sign_in(page: Page, login: str, password: str, *, staff: bool = False) -> None:
    """Sign in through the real form: the choice of account kind, then login and password."""
    page.goto(SIGN_IN)
    page.locator(f"main a[href*='jako={'pracownik' if staff else 'rodzina'}']").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    _submit(page)


def sign_out(page: Page) -> None:
    """Open the account menu and press "sign out"."""
    page.locator("details.user-menu > summary").click()
    page.locator("form[action$='/konto/wyloguj/'] [type=submit]").click()
    page.wait_for_load_state()


def path_of(page: Page) -> str:
    """The current URL without the origin (``/konto/logowanie/?next=/``)."""
    url: str = page.evaluate("location.pathname + location.search")
    return url


#: Runs in the page; returns a list of problems (empty when the page passes).
A11Y_SCRIPT = """
() => {
  const problems = [];
  const lang = document.documentElement.getAttribute('lang');
  if (!lang || !lang.trim()) problems.push('<html> has no lang');
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements (want exactly one)`);
  const first = document.querySelector('body a[href]');
  const target = first && first.getAttribute('href').startsWith('#')
    ? document.getElementById(first.getAttribute('href').slice(1)) : null;
  if (!target) problems.push('no skip link (the first link must point at an id on the page)');
  const skip = ['hidden', 'submit', 'button', 'reset', 'image'];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (el.tagName === 'INPUT' && skip.includes(type)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || el.getAttribute('title');
    const what = `${el.tagName.toLowerCase()} name=${el.getAttribute('name')} id=${el.id}`;
    if (!named) problems.push(`unlabelled ${what}`);
  }
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  for (const [id, n] of seen) if (n > 1) problems.push(`id "${id}" used ${n} times`);
  return problems;
}
"""


def accessibility_problems(page: Page) -> list[str]:
    """What the smoke check finds wrong with the current page: ``<html lang>``, exactly one
    h1, a skip link, a label for every input, no duplicate ids."""
    # A click on a link returns before the next page has a document: wait for it, and once
    # more when the evaluation lands in the middle of the navigation.
    from playwright.sync_api import Error

    for attempt in range(3):
        page.wait_for_load_state()
        try:
            problems: list[str] = page.evaluate(A11Y_SCRIPT)
        except Error:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)
            continue
        return problems
    raise AssertionError("unreachable")


def assert_accessible(page: Page) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{path_of(page)}: " + "; ".join(problems)


def checked_screenshot(page: Page, name: str) -> Path:
    """Run the accessibility smoke check on the page, then save a full-page PNG as
    test-artifacts/NAME.png (to look at the page a test walked through)."""
    problems = accessibility_problems(page)
    assert not problems, (name, problems)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scroll)."""
    extra: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return extra


def scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def screenshot_all(pages: list[Any], name: str) -> list[Path]:
    """Save a full-page PNG of every open page under test-artifacts/ (for failed tests)."""
    ARTIFACTS.mkdir(exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:150]
    saved = []
    for n, page in enumerate(pages):
        if page.is_closed():
            continue
        path = ARTIFACTS / f"{safe}{'-' + str(n) if n else ''}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception:  # a crashed page must not hide the test's own failure
            continue
        saved.append(path)
    return saved
