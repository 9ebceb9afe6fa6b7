"""Browser test: a guardian goes from the account menu to the Printouts page and downloads
their child's data ZIP. Screenshots at 1280 and 360 px go to test-artifacts/."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest
from django.urls import reverse

from kajet.testutils.browser import checked_screenshot
from kajet.testutils.factories import SchoolWorld

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _shot(page: Any, name: str) -> None:
    checked_screenshot(page, f"data-export-{name}")


def test_guardian_downloads_the_data_from_the_account_menu(
    world: SchoolWorld, signed_in: Any, live_server: Any
) -> None:
    page = signed_in(world.user("guardian"))
    page.click("summary:has-text('Account menu for')")
    page.click("text=Download my child's data")
    page.wait_for_selector("#dane")
    _shot(page, "index")
    page.click(
        f"form[action='{reverse('records:family_data_export', args=[world.student.pk])}'] button"
    )
    # Made in the background; the embedded default runs it right after the request.
    page.wait_for_selector("text=Download the data (ZIP)")
    assert "/wydruki/zadanie/" in page.url
    _shot(page, "ready")
    with page.expect_download() as download:
        page.click("text=Download the data (ZIP)")
    with zipfile.ZipFile(download.value.path()) as archive:
        assert sorted(archive.namelist()) == ["dane.json", "raport.pdf"]
    narrow = signed_in(world.user("guardian"), width=360)
    narrow.goto(live_server.url + reverse("records:index") + "#dane")
    _shot(narrow, "index-360")
