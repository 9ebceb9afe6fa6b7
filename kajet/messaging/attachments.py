"""Message attachments are checked by the one upload check in ``kajet.core.uploads``."""

from kajet.core.uploads import (
    ALLOWED_TYPES,
    FileType,
    attachment_errors,
    content_type_for,
    extension,
    max_file_bytes,
    max_files,
    safe_name,
    sniff_ok,
)

__all__ = [
    "ALLOWED_TYPES",
    "FileType",
    "attachment_errors",
    "content_type_for",
    "extension",
    "max_file_bytes",
    "max_files",
    "safe_name",
    "sniff_ok",
]
