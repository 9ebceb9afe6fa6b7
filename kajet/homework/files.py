"""Uploaded files: size and count limits and safe names (pure, no ORM)."""

from __future__ import annotations

import mimetypes
import os
import unicodedata

from django.utils.text import get_valid_filename

MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 120


def clean_filename(name: str) -> str:
    """A safe file name: no directories, no control or shell characters, at most
    MAX_NAME_LENGTH characters with the extension kept; "plik" when nothing is left."""
    base = os.path.basename(name.replace("\\", "/"))
    base = unicodedata.normalize("NFC", base).strip().lstrip(".")
    try:
        cleaned = get_valid_filename(base)
    except Exception:  # SuspiciousFileOperation for names like "." or ""
        cleaned = ""
    if not cleaned.strip("._-"):
        cleaned = "plik"
    if len(cleaned) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(cleaned)
        ext = ext[:16]
        cleaned = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return cleaned


def guess_content_type(name: str) -> str:
    """The type from the (cleaned) name; the client's claim is not trusted."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
