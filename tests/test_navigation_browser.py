"""The main navigation in Chromium for every role, at 360 px (the phone's bottom bar with
"More") and at 1280 px (one row): every section within two taps, the current section marked,
the unread count on screen without scrolling, a sane focus order, and "More" by keyboard.

Selectors use classes, hrefs and aria attributes, never the UI's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kajet.accounts.models import Role, User
from kajet.messaging.services import message_send
from kajet.testutils.browser import path_of, sign_in
from kajet.testutils.factories import PASSWORD, SchoolWorld, make_world

pytestmark = pytest.mark.browser

ROLES = [str(role) for role in Role]
PHONE = (360, 740)
DESKTOP = (1280, 800)


@pytest.fixture
def world(transactional_db: Any) -> SchoolWorld:
    return make_world("a")


def _one_unread_message(world: SchoolWorld, user: User) -> None:
    sender = world.user("teacher" if user == world.user("principal") else "principal")
    message_send(sender=sender, recipients=[f"person:{user.pk}"], subject="Zebranie", body="Jutro.")


def _open(
    new_page: Callable[..., Any], world: SchoolWorld, role: str, size: tuple[int, int]
) -> Any:
    page = new_page(*size)
    user = world.user(role)
    sign_in(page, user.login, PASSWORD, staff=user.kind == "staff")
    assert path_of(page) == "/"
    return page


def _sections(page: Any) -> list[str]:
    """Every section of the user's navigation (the desktop list is in the page at any width)."""
    hrefs: list[str] = page.eval_on_selector_all(
        "nav.mainnav a", "links => links.map(a => a.getAttribute('href'))"
    )
    return hrefs


def _on_screen(page: Any, locator: Any) -> bool:
    """Visible and wholly inside the viewport, as the page is now (no scrolling)."""
    if not locator.is_visible():
        return False
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(
        box
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def _hrefs(locator: Any) -> list[str]:
    hrefs: list[str] = locator.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return hrefs


@pytest.mark.parametrize("role", ROLES)
def test_phone_every_section_within_two_taps(
    new_page: Callable[..., Any], world: SchoolWorld, role: str
) -> None:
    _one_unread_message(world, world.user(role))
    page = _open(new_page, world, role, PHONE)
    sections = _sections(page)
    assert len(sections) >= 3, sections
    assert page.locator("nav.mainnav").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]

    bar = page.locator("nav.phonenav .phonenav-bar > li > a")
    more = page.locator("nav.phonenav details.phonenav-more")
    # One tap: the bar, on screen without scrolling; the home page is marked as current.
    for n in range(bar.count()):
        assert _on_screen(page, bar.nth(n)), _hrefs(bar)[n]
    assert 1 <= bar.count() <= 5
    assert page.locator("nav.phonenav a[aria-current=page]").get_attribute("href") == "/"
    # The unread count is on screen at once, and stays there when the page scrolls.
    badge = page.locator(
        "nav.phonenav .phonenav-bar > li > a .badge, .phonenav-more > summary .badge"
    )
    assert badge.count() == 1
    assert badge.inner_text() == "1"
    assert _on_screen(page, badge)
    page.mouse.wheel(0, 3000)
    assert _on_screen(page, badge)

    in_more: list[str] = []
    if more.count():
        panel = more.locator(".phonenav-panel a")
        assert panel.first.is_hidden()
        more.locator("summary").click()  # the second tap opens "More"
        in_more = _hrefs(panel)
        for n in range(panel.count()):
            assert _on_screen(page, panel.nth(n)), in_more[n]
    assert sorted(_hrefs(bar) + in_more) == sorted(sections)
    assert len(set(_hrefs(bar) + in_more)) == len(sections)  # nothing twice


@pytest.mark.parametrize("role", ROLES)
def test_desktop_every_section_in_one_row_of_links(
    new_page: Callable[..., Any], world: SchoolWorld, role: str
) -> None:
    _one_unread_message(world, world.user(role))
    page = _open(new_page, world, role, DESKTOP)
    assert page.locator("nav.phonenav").is_hidden()
    links = page.locator("nav.mainnav a")
    for n in range(links.count()):
        assert _on_screen(page, links.nth(n)), _hrefs(links)[n]
    assert page.locator("nav.mainnav a[aria-current=page]").get_attribute("href") == "/"
    badge = page.locator("nav.mainnav .badge")
    assert badge.inner_text() == "1"
    assert _on_screen(page, badge)


def test_a_section_under_more_is_marked_current(
    new_page: Callable[..., Any], world: SchoolWorld
) -> None:
    page = _open(new_page, world, "principal", PHONE)
    more = page.locator("details.phonenav-more")
    more.locator("summary").click()
    target = more.locator(".phonenav-panel a").last
    href = target.get_attribute("href")
    with page.expect_navigation():
        target.click()
    assert path_of(page) == href
    # "More" says that the current section is inside it; the link itself carries aria-current.
    assert "has-current" in (more.locator("summary").get_attribute("class") or "")
    assert more.locator(f".phonenav-panel a[href='{href}']").get_attribute("aria-current") == "page"
    assert page.locator(".phonenav-bar > li > a[aria-current]").count() == 0


def _focused(page: Any) -> dict[str, str]:
    return dict(
        page.evaluate(
            """() => {
              const el = document.activeElement;
              const region = el.closest('nav.phonenav, nav.mainnav') ? 'nav'
                : el.closest('header') ? 'header' : el.closest('main') ? 'main'
                : el.classList.contains('skip-link') ? 'skip' : 'other';
              return {region, tag: el.tagName.toLowerCase(), href: el.getAttribute('href') || ''};
            }"""
        )
    )


def test_phone_focus_order_and_more_by_keyboard(
    new_page: Callable[..., Any], world: SchoolWorld
) -> None:
    page = _open(new_page, world, "guardian", PHONE)
    bar = _hrefs(page.locator(".phonenav-bar > li > a"))
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        seen.append(_focused(page))
        if seen[-1]["region"] == "main":
            break
    regions = [f["region"] for f in seen]
    # Skip link, the header, then the navigation, then the page: each region once, in order.
    assert regions[0] == "skip"
    order = [r for n, r in enumerate(regions) if n == 0 or regions[n - 1] != r]
    assert order == ["skip", "header", "nav", "main"], regions
    in_nav = [f for f in seen if f["region"] == "nav"]
    assert [f["href"] for f in in_nav[: len(bar)]] == bar
    assert in_nav[-1]["tag"] == "summary"  # "More" comes last

    # "More" by keyboard: Enter opens it, Tab walks into it, Escape closes it and returns.
    summary = page.locator(".phonenav-more > summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator(".phonenav-more").get_attribute("open") is not None
    page.keyboard.press("Tab")
    first = page.locator(".phonenav-panel a").first.get_attribute("href")
    assert _focused(page)["href"] == first
    page.keyboard.press("Escape")
    assert page.locator(".phonenav-more").get_attribute("open") is None
    assert _focused(page)["tag"] == "summary"
    # A tap outside closes it too.
    page.keyboard.press("Enter")
    assert page.locator(".phonenav-more").get_attribute("open") is not None
    page.locator("h1").click()
    assert page.locator(".phonenav-more").get_attribute("open") is None


def test_desktop_focus_order(new_page: Callable[..., Any], world: SchoolWorld) -> None:
    page = _open(new_page, world, "teacher", DESKTOP)
    sections = _sections(page)
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(_focused(page))
        if seen[-1]["region"] == "main":
            break
    regions = [f["region"] for f in seen]
    order = [r for n, r in enumerate(regions) if n == 0 or regions[n - 1] != r]
    assert order == ["skip", "header", "nav", "main"], regions
    assert [f["href"] for f in seen if f["region"] == "nav"] == sections
