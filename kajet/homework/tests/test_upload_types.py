"""Every upload in Kajet goes through the one check (kajet.core.uploads): homework,
message and excuse attachments refuse HTML, SVG with a script, a program and a file whose
content does not match its name, and keep a real PDF (issue 14.8)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kajet.core.uploads import attachment_errors, upload_errors
from kajet.homework.models import Homework, HomeworkAttachment

pytestmark = pytest.mark.django_db

BAD_FILES = [
    ("strona.html", b"<html><script>alert(1)</script></html>", "text/html"),
    ("obraz.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', ""),
    ("program.exe", b"MZ\x90\x00", "application/octet-stream"),
    ("udawany.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
]
PDF = ("zadanie.pdf", b"%PDF-1.4 tresc", "application/pdf")


def _homework_post(world: Any, upload: SimpleUploadedFile) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "course": world.course.pk,
        "title": "Wypracowanie",
        "description": "",
        "set_on": today.isoformat(),
        "due_on": (today + datetime.timedelta(days=7)).isoformat(),
        "uploads": [upload],
    }


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda b: b[0])
def test_homework_refuses_a_bad_file(world: Any, client_for: Any, bad: tuple) -> None:
    client = client_for(world.user("teacher"))
    response = client.post(
        reverse("homework:create"), _homework_post(world, SimpleUploadedFile(*bad))
    )
    assert response.status_code == 200
    assert not Homework.objects.exists()
    assert not HomeworkAttachment.objects.exists()


def test_homework_keeps_a_pdf_with_its_real_type(world: Any, client_for: Any) -> None:
    client = client_for(world.user("teacher"))
    upload = SimpleUploadedFile(PDF[0], PDF[1], "text/html")  # the client's claim is ignored
    response = client.post(reverse("homework:create"), _homework_post(world, upload))
    assert response.status_code == 302
    assert HomeworkAttachment.objects.get().content_type == "application/pdf"


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda b: b[0])
def test_the_shared_check_refuses_a_bad_file(bad: tuple) -> None:
    assert upload_errors([SimpleUploadedFile(*bad)], most=5, limit=10**7)
    assert attachment_errors([SimpleUploadedFile(*bad)])  # messages and excuses


def test_the_shared_check_keeps_a_pdf() -> None:
    assert upload_errors([SimpleUploadedFile(*PDF)], most=5, limit=10**7) == []
