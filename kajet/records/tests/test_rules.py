"""The certificate's pure rules, as tables."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kajet.records import rules


@pytest.mark.parametrize(
    ("average", "behaviour", "descriptive", "expected"),
    [
        (Decimal("4.75"), 5, False, True),  # both exactly at the threshold
        (Decimal("4.74"), 6, False, False),  # average just under
        (Decimal("6.00"), 4, False, False),  # behaviour only "dobre"
        (Decimal("5.20"), 6, False, True),
        (Decimal("4.80"), 5, True, False),  # descriptive certificates have no distinction
        (None, 6, False, False),
        (Decimal("5.00"), None, False, False),  # no behaviour grade yet
    ],
)
def test_with_distinction(
    average: Decimal | None, behaviour: int | None, descriptive: bool, expected: bool
) -> None:
    assert rules.with_distinction(average, behaviour, descriptive=descriptive) is expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5, 5, 4, 5], Decimal("4.75")),
        ([5, 4, 5, 5, 5, 4, 5], Decimal("4.71")),
        ([6, 5, 4], Decimal("5.00")),
        ([5, None, 4], Decimal("4.50")),  # a descriptive / missing grade is left out
        ([4, 5, 5], Decimal("4.67")),  # 4.666… rounds half up
        ([], None),
        ([None], None),
    ],
)
def test_annual_average(values: list[int | None], expected: Decimal | None) -> None:
    assert rules.annual_average(values) == expected


@pytest.mark.parametrize(
    ("values", "descriptive", "expected"),
    [
        ([2, 3, 6], False, True),
        ([1, 5, 6], False, False),
        ([1], True, True),  # classes I–III are promoted (descriptive)
        ([], False, True),
    ],
)
def test_promoted(values: list[int], descriptive: bool, expected: bool) -> None:
    assert rules.promoted(values, descriptive=descriptive) is expected


@pytest.mark.parametrize(
    ("level", "descriptive", "distinction", "symbol"),
    [
        (2, True, False, "MEiN-I/49"),
        (5, False, False, "MEiN-I/51"),
        (5, False, True, "MEiN-I/52"),
        (8, False, False, "MEiN-I/53"),
        (8, False, True, "MEiN-I/54"),
    ],
)
def test_template_for(level: int, descriptive: bool, distinction: bool, symbol: str) -> None:
    template = rules.template_for(level, descriptive=descriptive, distinction=distinction)
    assert template.symbol == symbol
    assert ("wyróżnieniem" in template.title) is distinction
