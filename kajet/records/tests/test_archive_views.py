"""The year-end archive's pages: the principal generates, signs, downloads and checks an
archive; the school office checks one; everyone else is refused; another school's principal
gets 404; bad input gets a clear message and changes nothing; constant queries."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kajet.records.models import YearArchive
from kajet.records.tests.certs import PASSWORD, pkcs12_file
from kajet.records.tests.helpers import fill_class
from kajet.testutils.factories import SchoolWorld

AFTER_YEAR = datetime.datetime(2027, 7, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def after_year() -> Iterator[None]:
    with time_machine.travel(AFTER_YEAR, tick=False):
        yield


def _generate(client: Client, world: SchoolWorld, capture: Any) -> YearArchive:
    with capture(execute=True):
        response = client.post(reverse("records:archive_generate", args=[world.year.pk]))
    archive = YearArchive.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:archive", args=[archive.pk])
    return archive


def _sign(client: Client, archive: YearArchive, password: str = PASSWORD) -> Any:
    upload = SimpleUploadedFile("dyrektor.p12", pkcs12_file(), "application/x-pkcs12")
    return client.post(
        reverse("records:archive_sign", args=[archive.pk]),
        {"certyfikat": upload, "haslo": password},
    )


def _check(client: Client, data: bytes) -> str:
    upload = SimpleUploadedFile("archiwum.zip", data, "application/zip")
    response = client.post(reverse("records:archive_check"), {"archiwum": upload})
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def signed(
    world: SchoolWorld,
    client_for: Callable[[Any], Client],
    django_capture_on_commit_callbacks: Any,
    after_year: None,
) -> YearArchive:
    fill_class(world)
    principal = client_for(world.user("principal"))
    archive = _generate(principal, world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert _sign(principal, archive).status_code == 302
    archive.refresh_from_db()
    assert archive.status == YearArchive.Status.SIGNED
    return archive


def test_principal_generates_signs_downloads_and_checks(
    world: SchoolWorld, client_for: Callable[[Any], Client], signed: YearArchive
) -> None:
    principal = client_for(world.user("principal"))
    index = principal.get(reverse("records:archive_index")).content.decode()
    assert signed.sha256 in index and "Anna Dyrektorska" in index
    assert reverse("records:archive_download", args=[signed.pk]) in index
    response = principal.get(reverse("records:archive_download", args=[signed.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = b"".join(response.streaming_content)
    page = _check(principal, data)
    assert "The archive is intact" in page
    assert "CN=Anna Dyrektorska,C=PL" in page
    assert "byte for byte, the archive of 2026/2027 kept by Kajet" in page


def test_altered_pdf_is_named_on_the_check_page(
    world: SchoolWorld, client_for: Callable[[Any], Client], signed: YearArchive
) -> None:
    with signed.file.open("rb") as stored:
        data = stored.read()
    out = io.BytesIO()
    target = "klasy/6b/dziennik-lekcyjny.pdf"
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == target:
                content = content[:100] + bytes([content[100] ^ 1]) + content[101:]
            dst.writestr(info.filename, content)
    page = _check(client_for(world.user("secretariat")), out.getvalue())
    assert "files in the archive differ from the signed manifest" in page
    assert f"<code>{target}</code>" in page
    assert "byte for byte" not in page


def test_year_that_has_not_ended_gets_a_message(
    world: SchoolWorld,
    client_for: Callable[[Any], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        time_machine.travel(datetime.datetime(2027, 6, 25, 12, tzinfo=datetime.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        principal = client_for(world.user("principal"))  # signed in on the day (sessions end)
        response = principal.post(
            reverse("records:archive_generate", args=[world.year.pk]), follow=True
        )
    assert "has not ended yet" in response.content.decode()
    assert not YearArchive.objects.exists()


def test_wrong_password_gets_a_message_and_stores_nothing(
    world: SchoolWorld,
    client_for: Callable[[Any], Client],
    django_capture_on_commit_callbacks: Any,
    after_year: None,
) -> None:
    principal = client_for(world.user("principal"))
    archive = _generate(principal, world, django_capture_on_commit_callbacks)
    response = _sign(principal, archive, password="złe hasło")
    assert response.status_code == 400
    assert "the password is wrong" in response.content.decode()
    archive.refresh_from_db()
    assert archive.status == YearArchive.Status.BUILT
    assert archive.signer_subject == "" and archive.signer_serial == ""


def test_polish_message_for_a_wrong_password(
    world: SchoolWorld,
    client_for: Callable[[Any], Client],
    django_capture_on_commit_callbacks: Any,
    after_year: None,
    settings: Any,
) -> None:
    settings.LANGUAGE_CODE = "pl"  # the product's default
    principal = client_for(world.user("principal"))
    archive = _generate(principal, world, django_capture_on_commit_callbacks)
    upload = SimpleUploadedFile("dyrektor.p12", pkcs12_file(), "application/x-pkcs12")
    response = principal.post(
        reverse("records:archive_sign", args=[archive.pk]), {"certyfikat": upload, "haslo": "złe"}
    )
    assert "hasło jest błędne" in response.content.decode()


def test_check_without_a_file_and_with_a_non_zip(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    principal = client_for(world.user("principal"))
    response = principal.post(reverse("records:archive_check"), {})
    assert response.status_code == 400
    assert "Choose the archive file" in response.content.decode()
    assert "not a ZIP archive" in _check(principal, b"%PDF-1.7")


# --- who may ----------------------------------------------------------------------------------


def _urls(world: SchoolWorld, archive: YearArchive) -> dict[str, tuple[str, str]]:
    return {
        "index": ("get", reverse("records:archive_index")),
        "detail": ("get", reverse("records:archive", args=[archive.pk])),
        "download": ("get", reverse("records:archive_download", args=[archive.pk])),
        "generate": ("post", reverse("records:archive_generate", args=[world.year.pk])),
        "sign": ("post", reverse("records:archive_sign", args=[archive.pk])),
    }


@pytest.mark.parametrize("key", ["index", "detail", "download", "generate", "sign"])
def test_archive_pages_three_ways(
    key: str,
    world: SchoolWorld,
    other_world: SchoolWorld,
    client_for: Callable[[Any], Client],
    signed: YearArchive,
) -> None:
    method, url = _urls(world, signed)[key]
    right = getattr(client_for(world.user("principal")), method)(url)
    if right.streaming:  # read the download to its end: the test client then closes the file
        b"".join(right.streaming_content)
    assert right.status_code in (200, 302, 400), right.status_code
    for role in ("secretariat", "teacher", "homeroom_teacher", "school_admin", "guardian"):
        response = getattr(client_for(world.user(role)), method)(url)
        assert response.status_code == 404, role
    response = getattr(client_for(other_world.user("principal")), method)(url)
    if key == "index":
        assert response.status_code == 200  # their own school's list…
        assert signed.sha256 not in response.content.decode()  # …without this school's archive
    else:
        assert response.status_code == 404


def test_check_page_three_ways(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    url = reverse("records:archive_check")
    for role in ("principal", "secretariat"):
        assert client_for(world.user(role)).get(url).status_code == 200, role
    for role in ("teacher", "homeroom_teacher", "school_admin", "guardian", "student"):
        assert client_for(world.user(role)).get(url).status_code == 404, role
    # another school's office may check a file, and learns nothing of this school's archives
    assert client_for(other_world.user("secretariat")).get(url).status_code == 200


def test_another_schools_check_does_not_claim_our_archive(
    world: SchoolWorld,
    other_world: SchoolWorld,
    client_for: Callable[[Any], Client],
    signed: YearArchive,
) -> None:
    with signed.file.open("rb") as stored:
        data = stored.read()
    page = _check(client_for(other_world.user("principal")), data)
    assert "The archive is intact" in page
    assert "kept by Kajet" not in page


def test_index_reads_a_fixed_number_of_queries(
    world: SchoolWorld,
    client_for: Callable[[Any], Client],
    django_assert_max_num_queries: Any,
    signed: YearArchive,
) -> None:
    principal = client_for(world.user("principal"))
    with django_assert_max_num_queries(12):
        principal.get(reverse("records:archive_index"))
    for n in range(5):
        YearArchive.objects.create(
            school=world.school,
            year=world.year,
            requested_by=world.user("principal"),
            status=YearArchive.Status.FAILED,
            error=f"e{n}",
        )
    with django_assert_max_num_queries(12):
        principal.get(reverse("records:archive_index"))
