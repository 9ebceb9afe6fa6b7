"""Text typed or sent by people and clients, cleaned in one place.

Invisible characters (zero-width spaces and joiners, soft hyphens, direction marks and
isolates, the byte-order mark, variation selectors, Hangul fillers) are removed from every
value a form or the API receives (``kajet.core.forms``, ``kajet.api.parsers``): a subject made
only of them is empty, so "required" refuses it, and a name cannot hide a second name.
Visible text is kept as typed (no NFKC: "m²" stays "m²"); numbers are read by
``kajet.core.numbers``.
"""

from __future__ import annotations

import re
from typing import Any

INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)


def strip_invisible(text: str) -> str:
    return INVISIBLE.sub("", text)


def clean_data(value: Any) -> Any:
    """``value`` with every string in it (also inside lists and dicts) freed of invisible
    characters; other values unchanged."""
    if isinstance(value, str):
        return strip_invisible(value)
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    if isinstance(value, dict):
        return {key: clean_data(item) for key, item in value.items()}
    return value
