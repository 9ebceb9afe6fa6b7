"""The year-end archive: the rules (tables), the PKCS#12 checks, building, signing and
verifying the ZIP (valid, wrong key, altered file named, missing file named), and bad input
that changes nothing."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from lxml import etree

from kajet.core.models import HistoryEntry
from kajet.records.archive import rules, verify
from kajet.records.archive.rules import FileComparison, class_folder, compare_files
from kajet.records.archive.services import archive_request, archive_sign
from kajet.records.archive.signing import (
    Identity,
    SigningError,
    identity_load,
    manifest_sign,
    manifest_verify,
)
from kajet.records.models import YearArchive
from kajet.records.tests.certs import PASSWORD, certificate, new_key, pkcs12_file
from kajet.records.tests.helpers import fill_class
from kajet.testutils.factories import SchoolWorld

AFTER_YEAR = datetime.date(2027, 7, 1)
NOW = datetime.datetime(2027, 7, 1, 10, 0, tzinfo=datetime.UTC)


# --- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ends_on", "today", "ended"),
    [
        (datetime.date(2027, 6, 25), datetime.date(2027, 6, 24), False),
        (datetime.date(2027, 6, 25), datetime.date(2027, 6, 25), False),  # its last day
        (datetime.date(2027, 6, 25), datetime.date(2027, 6, 26), True),
        (datetime.date(2027, 6, 25), datetime.date(2028, 1, 1), True),
    ],
)
def test_year_has_ended(ends_on: datetime.date, today: datetime.date, ended: bool) -> None:
    assert rules.year_has_ended(ends_on, today) is ended


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("6b", "klasy/6b"),
        ("1 LO a", "klasy/1_LO_a"),
        ("../../etc", "klasy/etc"),
        ("3/c", "klasy/3_c"),
        ("ąę", "klasy/klasa"),
    ],
)
def test_class_folder(name: str, folder: str) -> None:
    assert class_folder(name) == folder


@pytest.mark.parametrize(
    ("expected", "found", "result"),
    [
        ({"a": "11", "b": "22"}, {"a": "11", "b": "22"}, FileComparison((), (), ())),
        ({"a": "11", "b": "22"}, {"a": "11", "b": "23"}, FileComparison(("b",), (), ())),
        ({"a": "11", "b": "22"}, {"a": "11"}, FileComparison((), ("b",), ())),
        ({"a": "11"}, {"a": "11", "c": "33"}, FileComparison((), (), ("c",))),
        ({"a": "AB"}, {"a": "ab"}, FileComparison((), (), ())),
        ({"a": "11"}, {"a": ""}, FileComparison(("a",), (), ())),  # damaged in the ZIP
    ],
)
def test_compare_files(
    expected: dict[str, str], found: dict[str, str], result: FileComparison
) -> None:
    assert compare_files(expected, found) == result
    assert result.intact is (result == FileComparison((), (), ()))


# --- the principal's PKCS#12 file -------------------------------------------------------------


def test_identity_from_pkcs12() -> None:
    key = new_key()
    cert = certificate(key, "Jan Kowalski")
    identity = identity_load(pkcs12_file(key, cert), PASSWORD, now=NOW)
    assert identity.subject == "CN=Jan Kowalski,C=PL"
    assert identity.serial == format(cert.serial_number, "X")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("wrong password", "the password is wrong"),
        ("not pkcs12", "the password is wrong, or the file is not a PKCS#12 file"),
        ("empty", "Choose the file with your certificate"),
        ("expired", "The certificate is not valid now"),
        ("no certificate", "holds no private key with its certificate"),
    ],
)
def test_unusable_pkcs12_is_refused_with_a_message(case: str, message: str) -> None:
    key = new_key()
    data = {
        "wrong password": lambda: pkcs12_file(key),
        "not pkcs12": lambda: b"%PDF-1.7 not a certificate",
        "empty": lambda: b"",
        "expired": lambda: pkcs12_file(
            key,
            certificate(key, start=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC), days=30),
        ),
        "no certificate": lambda: pkcs12.serialize_key_and_certificates(
            b"x", key, None, None, serialization.BestAvailableEncryption(PASSWORD.encode())
        ),
    }[case]()
    password = "złe hasło" if case == "wrong password" else PASSWORD
    with pytest.raises(SigningError, match=message):
        identity_load(data, password, now=NOW)


# --- signature of a manifest ----------------------------------------------------------------


def _manifest() -> etree._Element:
    return etree.fromstring(
        b'<archive xmlns="https://kajet.org.pl/xml/archive/1" year="2026/2027">'
        b'<file name="a.pdf" size="1" sha256="00"/></archive>'
    )


def test_signed_manifest_verifies_and_names_the_signer() -> None:
    key = new_key()
    identity = Identity(key, certificate(key, "Anna Dyrektorska"), ())
    check = manifest_verify(manifest_sign(_manifest(), identity))
    assert check.valid, check.problem
    assert check.subject == "CN=Anna Dyrektorska,C=PL"
    assert check.serial == identity.serial
    assert check.signed_at


def test_signature_made_with_another_key_is_invalid() -> None:
    # The certificate says Anna, the key that signed is someone else's.
    forged = Identity(new_key(), certificate(new_key(), "Anna Dyrektorska"), ())
    check = manifest_verify(manifest_sign(_manifest(), forged))
    assert not check.valid
    assert "does not match" in check.problem


def test_changed_manifest_is_invalid() -> None:
    key = new_key()
    signed = manifest_sign(_manifest(), Identity(key, certificate(key), ()))
    check = manifest_verify(signed.replace(b'sha256="00"', b'sha256="01"'))
    assert not check.valid


def test_unsigned_manifest_is_invalid() -> None:
    check = manifest_verify(etree.tostring(_manifest()))
    assert not check.valid
    assert "no signature" in check.problem


# --- the whole archive ------------------------------------------------------------------------


def _signed_archive(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any, p12: bytes | None = None
) -> YearArchive:
    fill_class(world)
    principal = world.user("principal")
    with django_capture_on_commit_callbacks(execute=True):
        archive = archive_request(actor=principal, year=world.year, today=AFTER_YEAR)
    archive.refresh_from_db()
    assert archive.status == YearArchive.Status.BUILT, archive.error
    with django_capture_on_commit_callbacks(execute=True):
        return archive_sign(
            actor=principal,
            archive=archive,
            pkcs12=p12 or pkcs12_file(),
            password=PASSWORD,
            now=NOW,
        )


def _zip_bytes(archive: YearArchive) -> bytes:
    with default_storage.open(archive.file.name, "rb") as stored:
        return bytes(stored.read())


def _check(data: bytes) -> verify.ArchiveReport:
    return verify.archive_verify(io.BytesIO(data), len(data))


def _rewrite(data: bytes, change: Any) -> bytes:
    """The ZIP with each (name, content) passed through ``change`` (None drops the file)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = change(info.filename, src.read(info))
            if content is not None:
                dst.writestr(info.filename, content)
    return out.getvalue()


def test_archive_has_every_file_and_a_valid_signature(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    archive = _signed_archive(world, django_capture_on_commit_callbacks)
    data = _zip_bytes(archive)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
    assert {
        "manifest.xml",
        "rejestr-2026-2027.xml",
        "kajet-register-1.xsd",
        "klasy/6b/dziennik-lekcyjny.pdf",
        "klasy/6b/zestawienie-ocen.pdf",
        "klasy/6b/arkusze-ocen.pdf",
        "klasy/2a/dziennik-lekcyjny.pdf",
    } <= names
    report = _check(data)
    assert report.status == verify.VALID, report.problem
    assert report.info is not None and set(report.info.files) == names - {"manifest.xml"}
    assert report.signature is not None and report.signature.subject == archive.signer_subject
    # what Kajet keeps: the ZIP with its size and checksum, the signer — not the key
    assert archive.size == len(data)
    assert archive.sha256 == hashlib.sha256(data).hexdigest()
    assert archive.signer_subject == "CN=Anna Dyrektorska,C=PL"
    assert archive.signer_serial
    assert HistoryEntry.objects.filter(code="records.archive.signed", object_id=archive.pk).exists()
    assert not default_storage.exists(f"archiwum/{world.school.pk}/robocze-2026-2027.zip")


def test_one_byte_changed_in_one_pdf_is_named(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    data = _zip_bytes(_signed_archive(world, django_capture_on_commit_callbacks))
    target = "klasy/6b/zestawienie-ocen.pdf"

    def flip(name: str, content: bytes) -> bytes:
        if name != target:
            return content
        middle = len(content) // 2
        return content[:middle] + bytes([content[middle] ^ 1]) + content[middle + 1 :]

    report = _check(_rewrite(data, flip))
    assert report.status == verify.ALTERED
    assert report.files is not None
    assert report.files.altered == (target,)
    assert report.files.missing == () and report.files.unexpected == ()


def test_byte_changed_inside_the_zip_is_named(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    # Not repacked: one byte of the stored (compressed) data flipped, the CRC no longer holds.
    archive = _signed_archive(world, django_capture_on_commit_callbacks)
    data = bytearray(_zip_bytes(archive))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("klasy/6b/arkusze-ocen.pdf")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    report = _check(bytes(data))
    assert report.status == verify.ALTERED
    assert report.files is not None and report.files.altered == ("klasy/6b/arkusze-ocen.pdf",)


def test_missing_and_added_files_are_named(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    data = _zip_bytes(_signed_archive(world, django_capture_on_commit_callbacks))
    buffer = io.BytesIO(_rewrite(data, lambda n, c: None if n == "kajet-register-1.xsd" else c))
    with zipfile.ZipFile(buffer, "a") as z:
        z.writestr("klasy/6b/extra.pdf", b"%PDF-1.7")
    report = _check(buffer.getvalue())
    assert report.status == verify.ALTERED
    assert report.files is not None
    assert report.files.missing == ("kajet-register-1.xsd",)
    assert report.files.unexpected == ("klasy/6b/extra.pdf",)


def test_manifest_changed_to_hide_an_alteration_breaks_the_signature(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    data = _zip_bytes(_signed_archive(world, django_capture_on_commit_callbacks))

    def drop_entry(name: str, content: bytes) -> bytes | None:
        if name == "manifest.xml":
            root = etree.fromstring(content)
            for node in root:
                if node.get("name") == "kajet-register-1.xsd":
                    root.remove(node)
            return bytes(etree.tostring(root))
        return None if name == "kajet-register-1.xsd" else content

    report = _check(_rewrite(data, drop_entry))
    assert report.status == verify.INVALID_SIGNATURE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "not a ZIP archive"),
        (b"", "not a ZIP archive"),
    ],
)
def test_unreadable_uploads(data: bytes, message: str) -> None:
    report = _check(data)
    assert report.status == verify.UNREADABLE and message in report.problem


def test_zip_without_manifest_is_unreadable() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.pdf", b"%PDF")
    report = _check(out.getvalue())
    assert report.status == verify.UNREADABLE and "no manifest" in report.problem


def test_year_that_has_not_ended_is_refused_and_nothing_is_stored(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError, match="has not ended yet"),
    ):
        archive_request(
            actor=world.user("principal"), year=world.year, today=datetime.date(2027, 6, 25)
        )
    assert callbacks == []
    assert not YearArchive.objects.exists()


def test_wrong_password_signs_nothing_and_stores_nothing(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any
) -> None:
    fill_class(world)
    with django_capture_on_commit_callbacks(execute=True):
        archive = archive_request(actor=world.user("principal"), year=world.year, today=AFTER_YEAR)
    archive.refresh_from_db()
    draft = archive.file.name
    with pytest.raises(ValidationError, match="the password is wrong"):
        archive_sign(
            actor=world.user("principal"),
            archive=archive,
            pkcs12=pkcs12_file(),
            password="złe",
            now=NOW,
        )
    archive.refresh_from_db()
    assert archive.status == YearArchive.Status.BUILT
    assert archive.signer_subject == "" and archive.signed_at is None
    assert archive.file.name == draft and default_storage.exists(draft)
    assert not HistoryEntry.objects.filter(code="records.archive.signed").exists()


def test_verify_archive_command(
    world: SchoolWorld, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    from django.core.management import CommandError, call_command

    data = _zip_bytes(_signed_archive(world, django_capture_on_commit_callbacks))
    good = tmp_path / "good.zip"
    good.write_bytes(data)
    out = io.StringIO()
    call_command("verify_archive", str(good), stdout=out)
    assert "result: valid" in out.getvalue()
    assert "signer: CN=Anna Dyrektorska,C=PL" in out.getvalue()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(_rewrite(data, lambda n, c: None if n.endswith("arkusze-ocen.pdf") else c))
    out = io.StringIO()
    with pytest.raises(CommandError, match="altered"):
        call_command("verify_archive", str(bad), stdout=out)
    assert "missing: klasy/6b/arkusze-ocen.pdf" in out.getvalue()
