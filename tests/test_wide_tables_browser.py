"""Wide tables and the calendar on a phone (360 px) in Chromium: the page itself never scrolls
sideways; a table wider than the screen scrolls in its own box with a visible hint and its first
column kept in view; the inbox is a list of cards; a multi-day event is one card with its range.

Selectors use classes, hrefs and test data, never the UI's words."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kajet.messaging.services import message_send
from kajet.testutils.browser import sign_in
from kajet.testutils.factories import PASSWORD, SchoolWorld, make_world
from kajet.timetable.models import Event

pytestmark = pytest.mark.browser

PHONE = (360, 740)


@pytest.fixture
def world(transactional_db: Any) -> SchoolWorld:
    return make_world("a")


def _page(new_page: Callable[..., Any], world: SchoolWorld, role: str, width: int = 360) -> Any:
    page = new_page(width, 740)
    user = world.user(role)
    sign_in(page, user.login, PASSWORD, staff=user.kind == "staff")
    return page


def _no_sideways_page(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: the page is {width} px wide"


#: For every scrolled table box: is its hint shown, and where is the first cell of the first
#: body row before and after the box is scrolled to its right end.
PROBE = """() => [...document.querySelectorAll('.table-wrap.is-scrollable')].map(wrap => {
  const cell = wrap.querySelector('tbody tr > :first-child');
  const hint = wrap.previousElementSibling;
  const before = cell.getBoundingClientRect().left;
  wrap.scrollLeft = wrap.scrollWidth;
  const box = wrap.getBoundingClientRect();
  const after = cell.getBoundingClientRect();
  return {
    hint: !!hint && hint.classList.contains('scroll-hint') && hint.offsetHeight > 0,
    scrolled: wrap.scrollLeft > 0,
    focusable: wrap.tabIndex === 0 && !!wrap.getAttribute('aria-label'),
    before, after: after.left, inside: after.left >= box.left - 1 && after.right <= box.right + 1,
  };
})"""


@pytest.mark.parametrize(
    ("role", "path"),
    [("principal", "/frekwencja/szkola/")],
)
def test_a_wide_table_scrolls_in_its_box_with_the_first_column_in_view(
    new_page: Callable[..., Any], world: SchoolWorld, role: str, path: str
) -> None:
    page = _page(new_page, world, role)
    page.goto(path)
    _no_sideways_page(page)
    tables = page.evaluate(PROBE)
    assert tables, f"{path}: expected a table wider than the phone"
    for table in tables:
        assert table["hint"] and table["scrolled"] and table["focusable"], table
        assert table["inside"] and abs(table["after"] - table["before"]) < 1, table


def test_the_same_table_on_a_desktop_needs_no_hint(
    new_page: Callable[..., Any], world: SchoolWorld
) -> None:
    page = _page(new_page, world, "principal", width=1280)
    page.goto("/frekwencja/szkola/")
    assert page.locator(".table-wrap").count() >= 1
    assert page.locator(".table-wrap.is-scrollable, .scroll-hint").count() == 0


def test_the_inbox_is_a_list_of_cards_on_a_phone(
    new_page: Callable[..., Any], world: SchoolWorld
) -> None:
    guardian = world.user("guardian")
    subject = "Wycieczka klasowa do Muzeum Narodowego w Gdańsku — zgody i informacje"
    message_send(
        sender=world.user("principal"),
        recipients=[f"person:{guardian.pk}"],
        subject=subject,
        body=".",
    )
    page = _page(new_page, world, "guardian")
    page.goto("/wiadomosci/")
    _no_sideways_page(page)
    assert page.locator(".table-wrap.is-scrollable").count() == 0
    link = page.locator(".msg-table a", has_text="Muzeum Narodowego")
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.locator(".msg-table thead").bounding_box()["height"] <= 1  # names kept for readers


def test_a_multi_day_event_is_one_card_with_its_range(
    new_page: Callable[..., Any], world: SchoolWorld
) -> None:
    today = timezone.localdate()
    first = today.replace(day=1)
    Event.objects.create(
        school=world.school,
        kind="day_off",
        scope="school",
        title="Zimowa przerwa",
        starts_on=first + datetime.timedelta(days=10),
        ends_on=first + datetime.timedelta(days=19),
        author=world.user("principal"),
    )
    page = _page(new_page, world, "guardian")
    page.goto(f"/plan/terminarz/?miesiac={first:%Y-%m}")
    _no_sideways_page(page)
    cards = page.locator(".show-narrow .tt-day-card", has_text="Zimowa przerwa")
    assert cards.count() == 1
    dates = cards.locator("h2 time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert dates == [
        f"{first + datetime.timedelta(days=10):%Y-%m-%d}",
        f"{first + datetime.timedelta(days=19):%Y-%m-%d}",
    ]
    # The month grid of a wide screen still shows the break on each of its days.
    wide = _page(new_page, world, "guardian", width=1280)
    wide.goto(f"/plan/terminarz/?miesiac={first:%Y-%m}")
    assert wide.locator(".tt-month td", has_text="Zimowa przerwa").count() == 10


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "homeroom_teacher",
                                  "principal", "school_admin", "secretariat", "pedagogue",
                                  "psychologist"])  # fmt: skip
def test_no_section_scrolls_the_page_sideways_on_a_phone(
    new_page: Callable[..., Any], world: SchoolWorld, role: str
) -> None:
    page = _page(new_page, world, role)
    sections = page.eval_on_selector_all(
        "nav.mainnav a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert sections
    for href in sections:
        page.goto(href)
        _no_sideways_page(page)
