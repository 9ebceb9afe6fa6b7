"""Table-driven tests of the pure rules: the scale and the averages."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kajet.grades.averages import (
    WeightedMark,
    mean_of_averages,
    needed_mark,
    suggested_grade,
    weighted_average,
)
from kajet.grades.scale import (
    CorrectionRule,
    MarkError,
    Policy,
    parse_mark,
    parse_whole_grade,
    scale_marks,
)

DEFAULT = Policy()
QUARTER = Policy(plus_value=D("0.25"), minus_value=D("0.25"))
SCHOOL_MARKS = Policy(valueless=("np", "bz", "+", "-", "zw"))


@pytest.mark.parametrize(
    ("policy", "typed", "text", "value"),
    [
        (DEFAULT, "5", "5", D("5")),
        (DEFAULT, " 5+ ", "5+", D("5.5")),
        (DEFAULT, "+5", "5+", D("5.5")),
        (DEFAULT, "4-", "4-", D("3.75")),
        (DEFAULT, "-4", "4-", D("3.75")),
        (DEFAULT, "1", "1", D("1")),
        (DEFAULT, "6", "6", D("6")),
        (DEFAULT, "2+", "2+", D("2.5")),
        (QUARTER, "4+", "4+", D("4.25")),
        (QUARTER, "4-", "4-", D("3.75")),
        (DEFAULT, "np", "np", None),
        (DEFAULT, "NP", "np", None),
        (DEFAULT, "bz", "bz", None),
        (DEFAULT, "+", "+", None),
        (DEFAULT, "-", "-", None),
        (SCHOOL_MARKS, "zw", "zw", None),
        # full-width forms (an East Asian keyboard) are read as ASCII; invisible characters go
        (DEFAULT, "\uff15\uff0b", "5+", D("5.5")),
        (DEFAULT, "\u200b4-\u200d", "4-", D("3.75")),
        (DEFAULT, "\ufeff3", "3", D("3")),
    ],
)
def test_parse_mark(policy: Policy, typed: str, text: str, value: D | None) -> None:
    mark = parse_mark(typed, policy)
    assert mark.text == text
    assert mark.value == value


@pytest.mark.parametrize(
    "typed",
    [
        *("", " ", "7", "0", "6+", "1-", "5++", "a", "4,5", "zw", "10"),
        # other scripts' digits and lookalikes are not marks
        *("\u0664", "\u0664+", "\u00b2", "\u2075", "\u09e8", "\u200b", "\u200b\u200c"),
    ],
)
def test_parse_mark_rejects(typed: str) -> None:
    with pytest.raises(MarkError):
        parse_mark(typed, DEFAULT)


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        *(("1", 1), ("6", 6), (" 3 ", 3), (4, 4), ("\uff14", 4), ("\u200b5", 5)),
        *(("5+", None), ("0", None), ("", None), ("\u0664", None), ("\u00b2", None)),
        *(("9" * 40, None), (True, None)),
    ],
)
def test_parse_whole_grade(typed: str | int, ok: int | None) -> None:
    if ok is None:
        with pytest.raises(MarkError):
            parse_whole_grade(typed)
    else:
        assert parse_whole_grade(typed) == ok


def test_scale_marks_are_ordered_and_complete() -> None:
    marks = scale_marks(DEFAULT)
    assert [m.text for m in marks][:4] == ["1", "1+", "2-", "2"]
    assert marks[-1].text == "6"
    assert len(marks) == 16  # 6 whole, 5 plus, 5 minus


def m(value: str | None, weight: str = "1", **kw: object) -> WeightedMark:
    return WeightedMark(value=D(value) if value else None, weight=D(weight), **kw)  # type: ignore[arg-type]


BOTH = Policy(correction_rule=CorrectionRule.BOTH)
ONLY = Policy(correction_rule=CorrectionRule.CORRECTION_ONLY)
ZERO = Policy(correction_rule=CorrectionRule.ORIGINAL_ZERO)


@pytest.mark.parametrize(
    ("policy", "marks", "expected"),
    [
        # empty sets and marks that never count
        (DEFAULT, [], None),
        (DEFAULT, [m(None)], None),
        (DEFAULT, [m("5", "0")], None),
        (DEFAULT, [m("5", counts=False)], None),
        # plain and weighted
        (DEFAULT, [m("5"), m("4")], D("4.50")),
        (DEFAULT, [m("5", "3"), m("2", "1")], D("4.25")),
        (DEFAULT, [m("5.5", "2"), m("3.75", "1")], D("4.92")),  # 14.75 / 3 = 4.9166…
        (DEFAULT, [m("4"), m(None), m("6", "0")], D("4.00")),
        (DEFAULT, [m("3", "2"), m("6", "1", counts=False)], D("3.00")),
        # rounding: half up at the second place
        (DEFAULT, [m("1"), m("2")], D("1.50")),
        (DEFAULT, [m("4.75"), m("4.5"), m("4.5"), m("4.5")], D("4.56")),  # 4.5625 → 4.56
        (DEFAULT, [m("4.75"), m("4.75"), m("4.5"), m("4.5")], D("4.63")),  # 4.625 → 4.63
        # corrections under the three rules: original 1 (weight 3), correction 4 (weight 3)
        (BOTH, [m("1", "3", id=1), m("4", "3", id=2, corrects=1)], D("2.50")),
        (ONLY, [m("1", "3", id=1), m("4", "3", id=2, corrects=1)], D("4.00")),
        (ZERO, [m("1", "3", id=1), m("4", "3", id=2, corrects=1)], D("4.00")),
        (ONLY, [m("1", "3", id=1), m("4", "3", id=2, corrects=1), m("5", "1", id=3)], D("4.25")),
        # a valueless "correction" (np) does not cancel the original
        (ONLY, [m("2", "1", id=1), m(None, "1", id=2, corrects=1)], D("2.00")),
    ],
)
def test_weighted_average(policy: Policy, marks: list[WeightedMark], expected: D | None) -> None:
    assert weighted_average(marks, policy) == expected


@pytest.mark.parametrize(
    ("average", "expected"),
    [
        (None, None),
        (D("1.00"), 1),
        (D("1.50"), 1),
        (D("1.51"), 2),
        (D("2.50"), 2),
        (D("2.51"), 3),
        (D("3.51"), 4),
        (D("4.50"), 4),
        (D("4.51"), 5),
        (D("5.50"), 5),
        (D("5.51"), 6),
        (D("6.00"), 6),
    ],
)
def test_suggested_grade_default_thresholds(average: D | None, expected: int | None) -> None:
    assert suggested_grade(average, DEFAULT) == expected


def test_suggested_grade_school_thresholds() -> None:
    strict = Policy(
        thresholds=((D("5.70"), 6), (D("4.70"), 5), (D("3.70"), 4), (D("2.70"), 3), (D("1.70"), 2))
    )
    assert suggested_grade(D("5.60"), strict) == 5
    assert suggested_grade(D("1.69"), strict) == 1


def test_mean_of_averages() -> None:
    assert mean_of_averages([]) is None
    assert mean_of_averages([None, None]) is None
    assert mean_of_averages([D("4.00"), None, D("5.00")]) == D("4.50")
    assert mean_of_averages([D("4.00"), D("4.00"), D("5.00")]) == D("4.33")


@pytest.mark.parametrize(
    ("marks", "target", "weight", "already", "needed"),
    [
        ([m("3", "1")], 3, "1", True, None),
        ([m("3", "1")], 4, "1", False, "4+"),  # (3 + 4.5) / 2 = 3.75 ≥ 3.51; 4 gives 3.5
        ([m("3", "1")], 4, "3", False, "4-"),  # (3 + 3·3.75) / 4 = 3.5625
        ([m("1", "3")], 5, "1", False, None),  # (3 + 6) / 4 = 2.25: out of reach
        ([], 5, "1", False, "5-"),  # a first mark of 4.75 suggests 5
    ],
)
def test_needed_mark(
    marks: list[WeightedMark], target: int, weight: str, already: bool, needed: str | None
) -> None:
    result = needed_mark(marks, target, D(weight), DEFAULT)
    assert result.already is already
    assert (result.mark.text if result.mark else None) == needed
