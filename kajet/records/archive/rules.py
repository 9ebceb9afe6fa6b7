"""The archive's rules — pure (no ORM, no files): when a year may be archived, how a class's
files are named in the ZIP, and how the files found in an archive compare with its manifest.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: The archive's manifest: the list of every other file with its SHA-256, signed.
MANIFEST_NAME = "manifest.xml"

_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


def year_has_ended(ends_on: datetime.date, today: datetime.date) -> bool:
    """A school year may be archived from the day after its last day (§22 of the 2017
    regulation: the archive copy is made after the year ends, never during it)."""
    return today > ends_on


def class_folder(class_name: str) -> str:
    """The folder of a class's PDFs in the ZIP: its name with anything but letters, digits,
    dots, dashes and underscores replaced, so no name can leave the folder ("../")."""
    cleaned = _UNSAFE.sub("_", class_name.strip()).strip("._") or "klasa"
    return f"klasy/{cleaned}"


@dataclass(frozen=True)
class FileComparison:
    """How the files in an archive differ from its manifest (names sorted)."""

    altered: tuple[str, ...]  # in the manifest and the ZIP, with another checksum
    missing: tuple[str, ...]  # in the manifest, not in the ZIP
    unexpected: tuple[str, ...]  # in the ZIP, not in the manifest

    @property
    def intact(self) -> bool:
        return not (self.altered or self.missing or self.unexpected)


def compare_files(expected: Mapping[str, str], found: Mapping[str, str]) -> FileComparison:
    """Compare the manifest's ``name → sha256`` with the ZIP's (the manifest itself left
    out of ``found``). Checksums compare case-insensitively (hex)."""
    altered = [
        name
        for name, digest in expected.items()
        if name in found and found[name].lower() != digest.lower()
    ]
    missing = [name for name in expected if name not in found]
    unexpected = [name for name in found if name not in expected]
    return FileComparison(tuple(sorted(altered)), tuple(sorted(missing)), tuple(sorted(unexpected)))
