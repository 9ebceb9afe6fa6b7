"""CSV that Kajet writes: the one writer, neutralising spreadsheet formulas.

A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is run as a formula when the file is opened in a
spreadsheet (CSV injection, OWASP). Every CSV Kajet writes goes through ``csv_write`` /
``csv_cell``, which prefix such a cell with an apostrophe so it is shown as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def csv_cell(value: Any) -> Any:
    """``value`` as a safe cell: text that would start a formula gets a leading apostrophe.
    Numbers stay numbers (a negative number is data, not a formula)."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def csv_write(rows: Iterable[Iterable[Any]], *, delimiter: str = ";") -> str:
    """The rows as CSV text (UTF-8 with BOM is the caller's choice), every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()
