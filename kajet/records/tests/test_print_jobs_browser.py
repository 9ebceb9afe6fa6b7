"""Browser test: the homeroom teacher asks for the class register from the class's printouts
page, lands on the printout's page and downloads the PDF. Screenshots at 1280 and 360 px go
to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from kajet.records.tests.helpers import fill_class, pdf_text
from kajet.testutils.browser import checked_screenshot
from kajet.testutils.factories import SchoolWorld

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _shot(page: Any, name: str) -> None:
    checked_screenshot(page, f"print-job-{name}")


def test_homeroom_teacher_prints_the_register_in_the_background(
    world: SchoolWorld, signed_in: Any, live_server: Any
) -> None:
    fill_class(world)
    page = signed_in(world.user("homeroom_teacher"))
    page.goto(live_server.url + reverse("records:class", args=[world.school_class.pk]))
    page.fill("#id_od", "2026-11-01")
    page.fill("#id_do", "2026-11-30")
    page.click("text=Print the register (PDF)")
    # The embedded default renders right after the request: the page shows the download.
    page.wait_for_selector("text=Download the printout (PDF)")
    assert "/wydruki/zadanie/" in page.url
    _shot(page, "done")
    with page.expect_download() as download:
        page.click("text=Download the printout (PDF)")
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Dziennik lekcyjny" in text and "Ułamki zwykłe" in text
    narrow = signed_in(world.user("homeroom_teacher"), width=360)
    narrow.goto(page.url)
    _shot(narrow, "done-360")
