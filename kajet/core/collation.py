"""Polish alphabetical order: "Bąk" before "Brzeziński", "Włodarczyk" before "Wróbel".

Names of people, classes, subjects, groups, rooms and schools are stored with the collation
``POLISH`` (``db_collation`` on their columns), so every ``ORDER BY`` — pages, pickers, exports,
the API — sorts them the Polish way without each query asking for it. PostgreSQL has that
collation as an ICU collation that migration ``core.0002`` creates (PostgreSQL built with ICU,
as Debian's is); SQLite gets a collation of the same name from ``polish_compare`` on every
connection (``kajet.core.db_signals``). Python-side sorts use ``polish_key``. The name has no
hyphen because Django writes it unquoted on SQLite.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

POLISH = "polish"
POSTGRES_CREATE = f"CREATE COLLATION IF NOT EXISTS {POLISH} (provider = icu, locale = 'pl-PL')"

# The Polish alphabet with the Latin letters it lacks (q, v, x) where the Latin order puts them.
_ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}


def _weights(char: str) -> tuple[int, int, int]:
    """(primary, accent, case) of one character. Polish letters with diacritics are letters
    of their own (primary); other accented letters sort as their base letter (é as e), after
    it. Digits, spaces and punctuation come before letters, as in ICU's Polish order."""
    lower = char.lower()
    case = 0 if char == lower else 1
    rank = _RANK.get(lower)
    if rank is not None:
        return (1000 + rank, 0, case)
    base = unicodedata.normalize("NFD", lower)[:1]
    rank = _RANK.get(base)
    if rank is not None:
        return (1000 + rank, 1, case)
    return (ord(lower) if ord(lower) < 1000 else 999, 0, case)


@lru_cache(maxsize=8192)
def polish_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]:
    """A sort key in Polish alphabetical order: letters first (ignoring case and foreign
    accents), then accents, then case (lower before upper), then the text itself so that
    different strings never compare equal."""
    weights = [_weights(char) for char in text]
    return (
        tuple(w[0] for w in weights),
        tuple(w[1] for w in weights),
        tuple(w[2] for w in weights),
        text,
    )


def polish_compare(a: str | None, b: str | None) -> int:
    """-1, 0 or 1 as ``a`` sorts before, with or after ``b`` (SQLite's collation callback)."""
    if a == b:
        return 0
    key_a, key_b = polish_key(a or ""), polish_key(b or "")
    return -1 if key_a < key_b else 1
