"""Every CSV Kajet writes neutralises spreadsheet formulas (kajet.core.spreadsheet)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from kajet.core.spreadsheet import csv_cell, csv_write


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+48 600", "'+48 600"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Zofia", "Zofia"),
        ("a=b", "a=b"),
        ("", ""),
        (-2, -2),
        (None, None),
    ],
)
def test_cell(value: Any, expected: Any) -> None:
    assert csv_cell(value) == expected


def test_written_file_reads_back_as_text() -> None:
    text = csv_write([["imie", "nazwisko"], ['=HYPERLINK("http://x")', "Żak"]])
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["imie", "nazwisko"], ['\'=HYPERLINK("http://x")', "Żak"]]
