"""Browser test: the principal opens the history of changes from Printouts, filters it by
class and kind of change, and downloads the filtered list as CSV; the page fits 360 px.
Screenshots at 1280 and 360 px go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from kajet.records.tests import history_helpers as h
from kajet.testutils.browser import checked_screenshot
from kajet.testutils.factories import SchoolWorld

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _shot(page: Any, name: str) -> None:
    checked_screenshot(page, f"history-{name}")


def test_principal_filters_the_history_and_downloads_csv(
    world: SchoolWorld, live_server: Any, signed_in: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "pl"
    h.register_changes(world)
    page = signed_in(world.user("principal"))
    page.goto(live_server.url + reverse("records:index"))
    with page.expect_navigation():
        page.click("text=Przeglądaj historię zmian")
    page.select_option("#id_klasa", label="6b")
    page.select_option("#id_rodzaj", value="grade")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    table = page.locator("table.history tbody")
    assert table.locator("text=3 → 4+ · komentarz: poprawa").count() == 1
    assert table.locator(f"text={world.other_student.user.sort_name}").count() == 0
    assert table.locator("text=Wycieczka").count() == 0
    _shot(page, "filtered")

    with page.expect_download() as download:
        page.click("text=Pobierz jako CSV")
    body = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("Kiedy;Kto zmienił;Rodzaj zmiany")
    assert len(lines) == 3  # the header, the mark added and the mark changed
    assert all(";6b;Matematyka;" in line for line in lines[1:])

    narrow = signed_in(world.user("principal"), width=360)
    narrow.goto(page.url)
    assert narrow.locator("text=3 → 4+ · komentarz: poprawa").count() == 1
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(narrow, "filtered-360")
