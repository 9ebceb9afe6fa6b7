from __future__ import annotations

import pytest

from kajet.homework.files import MAX_NAME_LENGTH, clean_filename


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("zadanie.pdf", "zadanie.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Jan\\ćwiczenia 3.docx", "ćwiczenia_3.docx"),
        ("<script>.html", "script.html"),
        ("..", "plik"),
        ("", "plik"),
        (".bashrc", "bashrc"),
    ],
)
def test_clean_filename(raw: str, expected: str) -> None:
    assert clean_filename(raw) == expected


def test_long_name_keeps_extension() -> None:
    name = clean_filename("a" * 300 + ".pdf")
    assert len(name) == MAX_NAME_LENGTH
    assert name.endswith(".pdf")
