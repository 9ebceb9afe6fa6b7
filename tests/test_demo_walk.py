"""The demo school walked as each of its demo logins would, in Chromium, in Polish.

For every demo login: sign in through the real form, open every page the navigation offers
(the main navigation, the account menu and any section navigation: every link inside
``<header>`` and ``<nav>``), and on each of those pages

* **links** — every same-origin link on the page is requested with the login's cookies (one
  level deep) and must answer 2xx, directly or after redirects; links of one shape (the same
  view, the same query keys) are sampled: ``SAMPLES`` of them per role; the page's assets
  (``<link href>``, ``<img src>``, ``<script src>``) and ``/favicon.ico`` too;
* **axe-core** — no violation of impact "serious" or "critical" (each page once per role);
* **dates** — the visible text has no date outside the product's one style (``4 grudnia
  2026``, ``4.12.2026``, ``4.12``, times ``14:05``): no ``02-12-2026``, no ISO date, no
  ``04.12``, no slashes, no two-digit years, no 12-hour clock.

One test seeds the demo once and collects every problem of every login before failing, so a
run lists them all.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.demo.demo_data import DEMO_PASSWORD, DemoLogin, seed_demo
from kajet.testutils.axe import axe_violations, require_axe
from kajet.testutils.browser import ARTIFACTS, path_of, sign_in

pytestmark = pytest.mark.browser

#: Links of one shape (view and query keys) requested per role.
SAMPLES = 2
LOG = ARTIFACTS / "demo-walk.txt"
NEW_PASSWORD = "Zielona-Żaba-2026"

#: Date shapes that are not the product's style, as (pattern, what it is).
BAD_DATES = [
    (re.compile(r"(?<![\d-])\d{1,2}-\d{1,2}-\d{4}(?!\d)"), "day-month-year with hyphens"),
    (re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?!\d)"), "ISO date"),
    (re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{2,4}(?!\d)"), "date with slashes"),
    (re.compile(r"(?<![\d.,:])0\d\.\d{2}(?:\.\d{4})?(?![\d,])"), "day with a leading zero"),
    (re.compile(r"(?<![\d.])\d{1,2}\.\d{2}\.\d{2}(?![\d.])"), "two-digit year"),
    (re.compile(r"\d{1,2}:\d{2}\s*(?:a\.m\.|p\.m\.|AM|PM|am|pm)\b"), "12-hour clock"),
]


def bad_dates(text: str) -> list[str]:
    """The date shapes in ``text`` that are not the product's style."""
    return [f"{what}: {m.group(0)!r}" for regex, what in BAD_DATES for m in regex.finditer(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Sprawdzian 4 grudnia 2026, 14:05", 0),
        ("pt 4.12 · 4.12.2026 · 08:00–08:45", 0),
        ("Średnia 4,50 · waga 0,5 · 2025/2026 · 10.5%", 0),
        ("Dodano 02-12-2026", 1),
        ("Termin 2026-12-04", 1),
        ("Dnia 04.12.2026 o 14:05", 1),
        ("Dnia 04.12", 1),
        ("Dnia 12/4/2026", 1),
        ("Dnia 4.12.26", 1),
        ("o 2:05 PM", 1),
    ],
)
def test_the_date_shape_check_finds_what_it_should(text: str, found: int) -> None:
    assert len(bad_dates(text)) == found, bad_dates(text)


def test_axe_finds_a_link_without_a_name_and_low_contrast(page: Any) -> None:
    axe = require_axe()
    page.set_content(
        '<html lang="pl"><body><main><h1>Oceny</h1><a href="/oceny/1/"><strong></strong></a>'
        '<p style="color:#bbb;background:#fff">szary tekst</p></main></body></html>'
    )
    found = " | ".join(axe_violations(page, axe))
    assert "link-name [serious]" in found and "color-contrast [serious]" in found


@dataclass
class Walk:
    """What the walk found, by kind of problem."""

    dead: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    counts: list[str] = field(default_factory=list)
    #: (role, link shape) → how many links of that shape were requested.
    shapes: Counter[tuple[str, str, tuple[str, ...]]] = field(default_factory=Counter)
    #: (role, page) already checked with axe.
    axed: set[tuple[str, str]] = field(default_factory=set)

    def report(self) -> str:
        parts = []
        for title, lines in (
            ("dead links (non-2xx)", self.dead),
            ("axe-core: serious or critical violations", self.axe),
            ("dates outside the one style", self.dates),
        ):
            if lines:
                parts.append(f"== {title}:\n" + "\n".join(sorted(set(lines))))
        return "\n".join(parts)


def _shape(url: str) -> tuple[str, tuple[str, ...]]:
    parts = urlsplit(url)
    try:
        view = resolve(parts.path).view_name
    except Resolver404:
        view = parts.path
    return view, tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def _same_origin(urls: list[str], origin: str) -> list[str]:
    kept = []
    for url in urls:
        url = url.split("#", 1)[0]
        if url.startswith(origin + "/"):
            kept.append(url)
    return list(dict.fromkeys(kept))


def _get_status(page: Any, url: str) -> int:
    response = page.request.get(url, max_redirects=10, timeout=60_000)
    status: int = response.status
    response.dispose()
    return status


def _sign_in_as(page: Any, login: DemoLogin) -> None:
    sign_in(page, login.login, DEMO_PASSWORD, staff=login.role not in ("guardian", "student"))
    if path_of(page) == reverse("accounts:password_change"):  # a login with a first-time password
        page.locator("input[name=current_password]").fill(DEMO_PASSWORD)
        page.locator("input[name=new_password]").fill(NEW_PASSWORD)
        page.locator("input[name=new_password_again]").fill(NEW_PASSWORD)
        with page.expect_navigation():
            page.locator("main form:has(input[name=new_password]) [type=submit]").click()
    assert not path_of(page).startswith("/konto/logowanie/"), f"{login.login} cannot sign in"


def _walk_login(
    page: Any, login: DemoLogin, origin: str, axe: str, walk: Walk, assets: dict[str, str]
) -> None:
    who = f"{login.school} {login.role} {login.login}"
    started = time.monotonic()
    _sign_in_as(page, login)
    nav = _same_origin(
        page.eval_on_selector_all("header a[href], nav a[href]", "els => els.map(e => e.href)"),
        origin,
    )
    assert len(nav) >= 5, f"{who}: only {nav} in the navigation"
    links: dict[str, str] = {}  # url → the page it was found on
    for url in nav:
        response = page.goto(url)
        path = url[len(origin) :]
        if response is None or not response.ok:
            walk.dead.append(f"{who}: {path} (navigation) → {response and response.status}")
            continue
        for found in _same_origin(
            page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"), origin
        ):
            links.setdefault(found, path)
        for asset in page.eval_on_selector_all(
            "link[href], img[src], script[src]", "els => els.map(e => e.href || e.src)"
        ):
            if asset.startswith(origin + "/"):
                assets.setdefault(asset, path)
        if (login.role, path) not in walk.axed:
            walk.axed.add((login.role, path))
            walk.axe += [f"{who}: {path}: {v}" for v in axe_violations(page, axe)]
        text = page.locator("main").inner_text()
        walk.dates += [f"{who}: {path}: {d}" for d in bad_dates(text)]
    pages_done = time.monotonic()
    checked = 0
    slow = []
    for url, found_on in links.items():
        if url in nav:
            continue
        shape = (login.role, *_shape(url))
        walk.shapes[shape] += 1
        if walk.shapes[shape] > SAMPLES:
            continue
        checked += 1
        asked = time.monotonic()
        status = _get_status(page, url)
        if time.monotonic() - asked > 2:
            slow.append(f"{url[len(origin) :]} {time.monotonic() - asked:.0f} s")
        if not 200 <= status < 300:
            walk.dead.append(f"{who}: {url[len(origin) :]} (on {found_on}) → {status}")
    walk.counts.append(
        f"{who}: {len(nav)} pages in {pages_done - started:.0f} s, {checked} of {len(links)}"
        f" links in {time.monotonic() - pages_done:.0f} s; slow: {', '.join(slow) or '-'}"
    )


def test_demo_school_links_accessibility_and_dates_for_every_demo_login(
    transactional_db: Any, live_server: Any, browser: Any, settings: Any, tmp_path: Path
) -> None:
    axe = require_axe()
    settings.MEDIA_ROOT = tmp_path / "media"
    with scopes_disabled():
        logins = seed_demo(timezone.localdate())
    origin = live_server.url
    walk = Walk()
    assets: dict[str, str] = {f"{origin}/favicon.ico": "(every page)"}
    started = time.monotonic()
    ARTIFACTS.mkdir(exist_ok=True)
    LOG.write_text("")
    for login in logins:
        context = browser.new_context(
            base_url=origin, viewport={"width": 1280, "height": 900}, locale="pl-PL"
        )
        context.set_default_timeout(30_000)
        try:
            _walk_login(context.new_page(), login, origin, axe, walk, assets)
        finally:
            context.close()
        with LOG.open("a") as log:
            print(f"{time.monotonic() - started:6.0f} s  {walk.counts[-1]}", file=log)
    context = browser.new_context(base_url=origin)
    try:
        page = context.new_page()
        for url, found_on in assets.items():
            status = _get_status(page, url)
            if not 200 <= status < 300:
                walk.dead.append(f"asset {url[len(origin) :]} (on {found_on}) → {status}")
    finally:
        context.close()
    assert len(walk.counts) == len(logins) >= 15
    assert not (walk.dead or walk.axe or walk.dates), walk.report()
