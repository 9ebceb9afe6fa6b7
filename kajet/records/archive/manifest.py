"""The archive's manifest: an XML list of every other file in the ZIP with its size and
SHA-256, and what the archive is (school, year, when, by whom). The XAdES signature is added
inside it (``signing.manifest_sign``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

NAMESPACE = "https://kajet.org.pl/xml/archive/1"


@dataclass(frozen=True)
class FileEntry:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ManifestInfo:
    """What a manifest says about its archive."""

    school: str
    year: str
    created_at: str
    files: dict[str, str]  # name → sha256


def manifest_build(
    *, school: str, year: str, created_at: str, created_by: str, files: Iterable[FileEntry]
) -> etree._Element:
    root = etree.Element(
        f"{{{NAMESPACE}}}archive",
        nsmap={None: NAMESPACE},
        attrib={
            "formatVersion": "1",
            "school": school,
            "year": year,
            "createdAt": created_at,
            "createdBy": created_by,
        },
    )
    for entry in files:
        etree.SubElement(
            root,
            f"{{{NAMESPACE}}}file",
            attrib={"name": entry.name, "size": str(entry.size), "sha256": entry.sha256},
        )
    return root


def manifest_read(root: etree._Element) -> ManifestInfo | None:
    """The manifest's fields, or None when the element is not a Kajet archive manifest."""
    if root.tag != f"{{{NAMESPACE}}}archive":
        return None
    files = {
        str(node.get("name", "")): str(node.get("sha256", ""))
        for node in root.iterchildren(f"{{{NAMESPACE}}}file")
    }
    return ManifestInfo(
        school=str(root.get("school", "")),
        year=str(root.get("year", "")),
        created_at=str(root.get("createdAt", "")),
        files=files,
    )
