"""The one URL converter for object ids: ASCII digits only, at most 18 of them.

Django's ``int`` converter takes any number of digits, so a 40-digit id reached the database
(SQLite: OverflowError, a 500). ``<id:...>`` matches 1–18 ASCII digits (every value fits a
64-bit primary key), so longer ids, signs and Unicode digits (``²``, ``５``, ``٤``) do not
match the pattern at all: 404 before any view runs. Every Kajet URL uses it for ids
(tests/test_crafted_input.py checks each pattern).
"""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
