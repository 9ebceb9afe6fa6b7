"""Colours of attendance types — pure: parsing ``#rrggbb``, WCAG contrast, and the text colour
a type's chip needs. No ORM here.

A school picks any background colour for its own types; the code written on the chip is then
black or white, whichever contrasts more with it. One of the two always reaches at least
4.58:1 (the larger of the two ratios is never below √21), so every chip passes WCAG AA for
normal text without restricting the schools' choice of colours.
"""

from __future__ import annotations

import functools
import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
BLACK = "#000000"
WHITE = "#ffffff"
#: WCAG 2.1 AA for normal text.
MIN_CONTRAST = 4.5


def is_hex_colour(value: str) -> bool:
    return bool(HEX_COLOUR.match(value or ""))


def normalise(value: str) -> str:
    """``#ABCDEF`` → ``#abcdef``; ValueError for anything else."""
    value = (value or "").strip()
    if not is_hex_colour(value):
        raise ValueError(f"not a #rrggbb colour: {value!r}")
    return value.lower()


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(value: str) -> float:
    """The WCAG relative luminance of a ``#rrggbb`` colour (0 black … 1 white)."""
    value = normalise(value)
    r, g, b = (int(value[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 … 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@functools.lru_cache(maxsize=512)
def text_colour_for(background: str) -> str:
    """Black or white, whichever is easier to read on ``background`` (white on a tie)."""
    if not is_hex_colour(background):
        return WHITE
    return BLACK if contrast(background, BLACK) > contrast(background, WHITE) else WHITE
