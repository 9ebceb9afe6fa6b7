"""Writing the archive's files: the XML export (streamed, bounded memory), its XSD, and for
every class of the year the class register, the grades summary and the record sheets as
PDF — into one ZIP, hashing each file as it is written.

The PDFs come from the same selectors and templates as the "Printouts" pages."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django_scopes import scope

from kajet.accounts.models import User
from kajet.core.models import School
from kajet.records import selectors
from kajet.records.archive.manifest import FileEntry
from kajet.records.archive.rules import class_folder
from kajet.records.pdf import pdf_bytes
from kajet.records.xmlio.export import register_bytes
from kajet.records.xmlio.xsd import schema_text
from kajet.school.models import SchoolClass, SchoolYear

#: Called after each file with (files written, files in all).
Progress = Callable[[int, int], None]

XSD_NAME = "kajet-register-1.xsd"


def year_slug(year: SchoolYear) -> str:
    return year.name.replace("/", "-")


@dataclass(frozen=True)
class ClassPrint:
    """One PDF of a class: its name in the folder and how it is made."""

    name: str
    template: str
    context: Callable[[SchoolClass], dict[str, Any]]


def _register(school_class: SchoolClass) -> dict[str, Any]:
    year = school_class.year
    return {"register": selectors.class_register(school_class, year.starts_on, year.ends_on)}


def _summary(school_class: SchoolClass) -> dict[str, Any]:
    return {"summary": selectors.grades_summary(school_class, None)}


def _sheets(school_class: SchoolClass) -> dict[str, Any]:
    students = selectors.class_data(school_class).students
    return {
        "sheets": selectors.record_sheets(school_class, students),
        "school_class": school_class,
    }


CLASS_PRINTS = (
    ClassPrint("dziennik-lekcyjny.pdf", "records/pdf/class_register.html", _register),
    ClassPrint("zestawienie-ocen.pdf", "records/pdf/grades_summary.html", _summary),
    ClassPrint("arkusze-ocen.pdf", "records/pdf/record_sheets.html", _sheets),
)


def year_classes(year: SchoolYear) -> list[SchoolClass]:
    return list(
        SchoolClass.objects.filter(year=year)
        .select_related("year", "homeroom_teacher")
        .order_by("level", "name", "pk")
    )


def _write(archive: zipfile.ZipFile, name: str, pieces: Iterable[bytes]) -> FileEntry:
    digest = hashlib.sha256()
    size = 0
    with archive.open(name, "w", force_zip64=True) as out:
        for piece in pieces:
            digest.update(piece)
            size += len(piece)
            out.write(piece)
    return FileEntry(name, size, digest.hexdigest())


def files_write(
    out: IO[bytes],
    *,
    school: School,
    year: SchoolYear,
    actor: User,
    progress: Progress,
) -> list[FileEntry]:
    """Write the archive's files (everything but the manifest) as a ZIP into ``out``;
    returns each file's name, size and SHA-256 in the order written."""
    with scope(school=school):
        classes = year_classes(year)
        total = 2 + len(CLASS_PRINTS) * len(classes)
        entries: list[FileEntry] = []
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            xml_name = f"rejestr-{year_slug(year)}.xml"
            entries.append(_write(archive, xml_name, register_bytes(school=school, year=year)))
            progress(len(entries), total)
            entries.append(_write(archive, XSD_NAME, [schema_text().encode()]))
            progress(len(entries), total)
            folders: set[str] = set()
            for school_class in classes:
                folder = class_folder(school_class.name)
                if folder in folders:  # two names that clean up alike ("6/b", "6 b")
                    folder = f"{folder}-{school_class.pk}"
                folders.add(folder)
                for name, data in _class_pdfs(school_class, folder, school=school, actor=actor):
                    entries.append(_write(archive, name, [data]))
                    progress(len(entries), total)
    return entries


def _class_pdfs(
    school_class: SchoolClass, folder: str, *, school: School, actor: User
) -> Iterator[tuple[str, bytes]]:
    for item in CLASS_PRINTS:
        data = pdf_bytes(item.template, item.context(school_class), school=school, user=actor)
        yield f"{folder}/{item.name}", data
