"""Parsing ids and whole numbers typed or sent by people and clients — the one place.

Python's ``int()`` accepts Unicode digits (``int("٤") == 4``), any length (a 40-digit id
overflows the database) and ``str.isdigit()`` is true for ``"²"`` although ``int("²")``
raises. Ids and counts from URLs, query strings, forms and JSON go through these instead.
"""

from __future__ import annotations

import re
import unicodedata

from kajet.core.text import strip_invisible

#: The largest id any Kajet table holds (64-bit signed primary keys).
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(raw: object) -> int | None:
    """A positive id from ASCII digits within the database's range, else None. Stricter than
    ``parse_whole``: an id is sent by a page or a client, never typed, so full-width digits
    are refused too."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 < raw <= MAX_ID else None
    text = str(raw).strip() if raw is not None else ""
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


def typed_number(raw: str) -> str:
    """What a person typed where a number or a mark is expected, ready to read with ASCII
    patterns: invisible characters removed, full-width forms (``５``, ``＋``, typed with an East
    Asian keyboard) made ASCII, surrounding spaces stripped. Other digits (``٤``, ``²``) stay as
    they are, so an ASCII-only pattern refuses them instead of reading a lookalike."""
    text = strip_invisible(raw)
    text = _FULL_WIDTH.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    return text.strip()


def parse_whole(raw: object, *, largest: int = MAX_ID) -> int | None:
    """A whole number ≥ 0 typed or sent (ASCII digits after ``typed_number``), at most
    ``largest``; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw <= largest else None
    text = typed_number(str(raw)) if raw is not None else ""
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= largest else None


def number_text(raw: str) -> str:
    """Text in which a number is to be read: NFKC-normalised (full-width ``５`` becomes
    ``5``, but a superscript ``²`` becomes ``2`` too, so callers that must refuse lookalikes
    compare with the raw text) and stripped."""
    return unicodedata.normalize("NFKC", raw).strip()
