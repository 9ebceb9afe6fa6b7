"""The one check for every file uploaded to Kajet (message attachments, homework attachments,
excuse documents): how many, how large, which types (an allow-list by extension, and the
file's first bytes must match it: no HTML, SVG or programs), and a safe display name.
Message limits come from settings with defaults: ``KAJET_MESSAGE_MAX_FILES`` (5) and
``KAJET_MESSAGE_MAX_FILE_MB`` (10); other uploads pass their own limits."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (doc, xls, ppt)
ZIP = b"PK\x03\x04"  # OOXML and OpenDocument


@dataclass(frozen=True)
class FileType:
    content_type: str
    magic: tuple[bytes, ...] = ()  # one of these must start the file (empty: text check)
    text: bool = False


ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", (b"%PDF-",)),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": FileType("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": FileType("image/webp", (b"RIFF",)),
    "heic": FileType("image/heic"),
    "doc": FileType("application/msword", (OLE,)),
    "xls": FileType("application/vnd.ms-excel", (OLE,)),
    "ppt": FileType("application/vnd.ms-powerpoint", (OLE,)),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)
    ),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    "pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", (ZIP,)
    ),
    "odt": FileType("application/vnd.oasis.opendocument.text", (ZIP,)),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", (ZIP,)),
    "odp": FileType("application/vnd.oasis.opendocument.presentation", (ZIP,)),
    "rtf": FileType("application/rtf", (b"{\\rtf",)),
    "txt": FileType("text/plain", text=True),
    "csv": FileType("text/csv", text=True),
}


def max_files() -> int:
    return int(getattr(settings, "KAJET_MESSAGE_MAX_FILES", 5))


def max_file_bytes() -> int:
    return int(getattr(settings, "KAJET_MESSAGE_MAX_FILE_MB", 10)) * 1024 * 1024


def safe_name(name: str) -> str:
    """A display/download name without paths, control or shell characters (letters with
    diacritics kept: parents name files in Polish)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    kept = []
    for char in name:
        if char.isalnum() or char in "._- ()":
            kept.append(char)
        elif not unicodedata.category(char).startswith("C"):
            kept.append("_")
    cleaned = " ".join("".join(kept).split()).strip(". ")
    if not cleaned or "." not in cleaned:
        cleaned = cleaned or "file"
    if len(cleaned) > 120:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = stem[: 110 - len(ext)] + dot + ext if dot else cleaned[:120]
    return cleaned


def extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def sniff_ok(file_type: FileType, head: bytes) -> bool:
    """The file's first bytes match its declared type."""
    if file_type.text:
        return b"\x00" not in head
    if not file_type.magic:
        return True
    return any(head.startswith(magic) for magic in file_type.magic)


def content_type_for(name: str) -> str:
    """The type of an allowed file from its (safe) name; the client's claim is not trusted."""
    found = ALLOWED_TYPES.get(extension(name))
    return found.content_type if found else "application/octet-stream"


def attachment_errors(files: Sequence[Any]) -> list[str]:
    """Every problem with a message's uploaded files (the message limits)."""
    return upload_errors(files, most=max_files(), limit=max_file_bytes())


def upload_errors(files: Sequence[Any], *, most: int, limit: int) -> list[str]:
    """Every problem with the uploaded files, as messages for the person sending them."""
    errors: list[str] = []
    if len(files) > most:
        errors.append(_("At most %(count)d files can be attached.") % {"count": most})
    allowed = ", ".join(sorted(ALLOWED_TYPES))
    for upload in files:
        name = safe_name(upload.name or "")
        file_type = ALLOWED_TYPES.get(extension(name))
        if upload.size > limit:
            errors.append(
                _("“%(name)s” is larger than %(mb)d MB.")
                % {"name": name, "mb": limit // (1024 * 1024)}
            )
            continue
        if file_type is None:
            errors.append(
                _("“%(name)s” is not an allowed type. Allowed: %(types)s.")
                % {"name": name, "types": allowed}
            )
            continue
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
        if not sniff_ok(file_type, head):
            errors.append(
                _("“%(name)s” does not look like a %(ext)s file.")
                % {"name": name, "ext": extension(name).upper()}
            )
    return errors
