"""The promotion rule (pure): next names, graduating, problems that stop a rollover."""

from __future__ import annotations

import pytest

from kajet.school.rollover import (
    ClassSpec,
    held_back_class,
    next_class_name,
    next_year_name,
    promote_classes,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2026/2027", "2027/2028"),
        ("2026-2027", "2027-2028"),
        (" 2026 / 2027 ", "2027/2028"),
        ("rok 2026", ""),
        ("", ""),
    ],
)
def test_next_year_name(name: str, expected: str) -> None:
    assert next_year_name(name) == expected


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("6b", 6, "7b"),
        ("1a", 1, "2a"),
        ("3 TI", 3, "4 TI"),
        ("9a", 9, "10a"),
        ("VIb", 6, "VIIb"),
        ("viib", 7, "VIIIb"),
        ("IIIc", 3, "IVc"),
        ("VIIb", 6, None),  # the name says level 7
        ("7b", 6, None),
        ("Ia", 1, "IIa"),
        ("IVa", 1, None),
        ("zerówka", 0, None),
        ("b", 3, None),
    ],
)
def test_next_class_name(name: str, level: int, expected: str | None) -> None:
    assert next_class_name(name, level) == expected


def specs(*pairs: tuple[str, int]) -> list[ClassSpec]:
    return [ClassSpec(i, name, level) for i, (name, level) in enumerate(pairs)]


@pytest.mark.parametrize(
    ("classes", "last_level", "moves", "problems"),
    [
        # 6b → 7b, the last level graduates.
        ([("6b", 6), ("8a", 8), ("1a", 1)], 8, [("1a", "2a"), ("6b", "7b"), ("8a", None)], []),
        # A class above the last level has no next level.
        ([("6b", 6), ("9a", 9)], 8, [("6b", "7b")], ["9a"]),
        # A name the rule cannot continue.
        ([("klasa sportowa", 5)], 8, [], ["klasa sportowa"]),
        # Two classes would get the same name.
        ([("5a", 5), ("5A", 5)], 8, [("5A", "6A")], ["5a"]),
        # A four-year secondary school.
        ([("3 TI", 3), ("4 TI", 4)], 4, [("3 TI", "4 TI"), ("4 TI", None)], []),
        ([], 8, [], []),
    ],
)
def test_promote_classes(
    classes: list[tuple[str, int]],
    last_level: int,
    moves: list[tuple[str, str | None]],
    problems: list[str],
) -> None:
    steps, found = promote_classes(specs(*classes), last_level=last_level)
    assert [(s.name, s.next_name) for s in steps] == moves
    assert all(s.graduates == (s.next_name is None) for s in steps)
    assert len(found) == len(problems)
    for message, name in zip(found, problems, strict=True):
        assert name in message


@pytest.mark.parametrize(
    ("old", "level", "expected"),
    [
        ("6b", 6, "6b"),  # 5b comes up as 6b
        ("6c", 6, "6a"),  # no 6c next year: the first class of the level
        ("8a", 8, None),  # no 7x class: left for the administrator
    ],
)
def test_held_back_class(old: str, level: int, expected: str | None) -> None:
    steps, _ = promote_classes(specs(("5a", 5), ("5b", 5), ("6b", 6), ("8a", 8)), last_level=8)
    assert held_back_class(old, level, steps) == expected
