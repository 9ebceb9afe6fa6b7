"""Browser test: after the school year, the principal generates the year-end archive, signs
it with a PKCS#12 file, downloads it and checks it (valid); a copy with one PDF changed is
named as altered. Screenshots of the pages at 1280 and 360 px go to test-artifacts/."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from kajet.records.models import YearArchive
from kajet.records.tests.certs import PASSWORD, pkcs12_file
from kajet.records.tests.helpers import fill_class
from kajet.testutils.browser import checked_screenshot
from kajet.testutils.factories import SchoolWorld

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _shot(page: Any, name: str) -> None:
    checked_screenshot(page, f"archive-{name}")


def _file(name: str, data: bytes, mime: str) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_principal_generates_signs_and_checks_the_archive(
    world: SchoolWorld, live_server: Any, signed_in: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    fill_class(world)
    with time_machine.travel(datetime.datetime(2027, 7, 1, 9, 0, tzinfo=datetime.UTC)):
        page = signed_in(world.user("principal"))
        page.goto(live_server.url + reverse("records:index"))
        with page.expect_navigation():
            page.click("text=Generate, sign and download year-end archives")
        _shot(page, "index")
        page.click("button:has-text('Generate the archive of 2026/2027')")
        page.wait_for_selector("text=Sign the archive")
        _shot(page, "sign")
        page.set_input_files(
            "#certyfikat", _file("dyrektor.p12", pkcs12_file(), "application/x-pkcs12")
        )
        page.fill("#haslo", PASSWORD)
        page.click("button:has-text('Sign and keep the archive')")
        page.wait_for_selector("text=The archive is signed and kept.")
        archive = YearArchive.objects.get()
        assert archive.status == YearArchive.Status.SIGNED
        assert page.locator("dd", has_text=archive.sha256).count() == 1
        _shot(page, "signed")

        with page.expect_download() as download:
            page.click("text=Download the archive (ZIP)")
        data = Path(download.value.path()).read_bytes()

        page.goto(live_server.url + reverse("records:archive_check"))
        page.set_input_files("#archiwum", _file("archiwum.zip", data, "application/zip"))
        page.click("button:has-text('Check the archive')")
        page.wait_for_selector("text=The archive is intact")
        assert page.locator("text=CN=Anna Dyrektorska,C=PL").count() >= 1
        _shot(page, "valid")

        altered = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(altered, "w") as dst:
            for info in src.infolist():
                content = src.read(info)
                if info.filename == "klasy/6b/arkusze-ocen.pdf":
                    content = content[:200] + bytes([content[200] ^ 1]) + content[201:]
                dst.writestr(info.filename, content)
        page.set_input_files(
            "#archiwum", _file("archiwum.zip", altered.getvalue(), "application/zip")
        )
        page.click("button:has-text('Check the archive')")
        page.wait_for_selector("text=files in the archive differ from the signed manifest")
        assert page.locator("li code", has_text="klasy/6b/arkusze-ocen.pdf").count() == 1
        _shot(page, "altered")

        narrow = signed_in(world.user("principal"), width=360)
        for name, url in [
            ("index-360", reverse("records:archive_index")),
            ("signed-360", reverse("records:archive", args=[archive.pk])),
        ]:
            narrow.goto(live_server.url + url)
            assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            _shot(narrow, name)
