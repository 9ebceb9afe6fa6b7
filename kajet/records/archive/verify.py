"""Checking an archive ZIP: is the manifest's XAdES signature valid, and does every file
match the checksum the manifest gives it (altered, missing and unexpected files named)?

Reads the ZIP as a stream (each file hashed as it is decompressed); refuses an archive whose
declared unpacked size is out of proportion to its packed size (a "ZIP bomb")."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from lxml import etree

from kajet.records.archive.manifest import ManifestInfo, manifest_read
from kajet.records.archive.rules import MANIFEST_NAME, FileComparison, compare_files
from kajet.records.archive.signing import SignatureCheck, manifest_verify

MAX_MANIFEST_BYTES = 5 * 1024 * 1024
#: Unpacked bytes allowed per packed byte, above a fixed allowance (PDFs and XML pack 3–20×).
MAX_RATIO = 200
ALLOWANCE = 64 * 1024 * 1024
CHUNK = 1024 * 1024

VALID = "valid"
INVALID_SIGNATURE = "invalid_signature"
ALTERED = "altered"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class ArchiveReport:
    """What the check found. ``status`` is one of VALID, INVALID_SIGNATURE (the signature
    does not hold: nothing in the archive can be trusted), ALTERED (the signature holds but
    files differ from the manifest) and UNREADABLE (``problem`` says why)."""

    status: str
    problem: str = ""
    signature: SignatureCheck | None = None
    info: ManifestInfo | None = None
    files: FileComparison | None = None

    @property
    def valid(self) -> bool:
        return self.status == VALID


def _digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    digest = hashlib.sha256()
    try:
        with archive.open(info) as stream:
            while piece := stream.read(CHUNK):
                digest.update(piece)
    except (zipfile.BadZipFile, OSError, EOFError):
        return ""  # damaged in the ZIP (CRC or size): it cannot match any checksum
    return digest.hexdigest()


def _unreadable(problem: str) -> ArchiveReport:
    return ArchiveReport(UNREADABLE, problem)


def archive_verify(stream: IO[bytes], size: int) -> ArchiveReport:
    """Check the archive read from ``stream`` (seekable, ``size`` bytes long)."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        return _unreadable(_("The file is not a ZIP archive."))
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        if sum(i.file_size for i in members) > ALLOWANCE + MAX_RATIO * size:
            return _unreadable(_("The archive unpacks to far more than its size; it was not read."))
        manifest_info = next((i for i in members if i.filename == MANIFEST_NAME), None)
        if manifest_info is None:
            return _unreadable(_("The archive has no manifest (manifest.xml)."))
        if manifest_info.file_size > MAX_MANIFEST_BYTES:
            return _unreadable(_("The archive's manifest is too large."))
        try:
            manifest_data = archive.read(manifest_info)
        except (zipfile.BadZipFile, OSError, EOFError):
            return _unreadable(_("The archive's manifest is damaged."))
        signature = manifest_verify(manifest_data)
        info = _manifest_info(signature, manifest_data)
        if info is None:
            return _unreadable(_("The manifest is not the manifest of a Kajet archive."))
        found = {i.filename: _digest(archive, i) for i in members if i is not manifest_info}
    files = compare_files(info.files, found)
    if not signature.valid:
        status = INVALID_SIGNATURE
    elif not files.intact:
        status = ALTERED
    else:
        status = VALID
    return ArchiveReport(status, signature.problem, signature, info, files)


def _manifest_info(signature: SignatureCheck, data: bytes) -> ManifestInfo | None:
    """The manifest's list: the signed part when the signature holds, else the file as read
    (shown to help find what changed, never trusted)."""
    if signature.manifest is not None:
        return manifest_read(signature.manifest)
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return manifest_read(etree.fromstring(data, parser=parser))
    except etree.XMLSyntaxError:
        return None
