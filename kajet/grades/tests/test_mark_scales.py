"""Table-driven tests of the pure scale rules (kajet/grades/mark_scales.py)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kajet.grades.averages import WeightedMark, weighted_average
from kajet.grades.mark_scales import (
    STANDARD,
    Assignment,
    Entry,
    Scale,
    ScaleKind,
    Symbol,
    Threshold,
    choose_scale,
    grade_for_percent,
    meaning_of,
    parse_cell,
    percent_of,
    read_symbols,
    read_thresholds,
    scale_problems,
    symbols_text,
    thresholds_text,
    value_of,
)
from kajet.grades.scale import MarkError, Policy

POLICY = Policy()
EARLY = Scale(
    kind=ScaleKind.SYMBOLS,
    name="Klasy 1–3",
    symbols=(
        Symbol("W", "wspaniale", D(6)),
        Symbol("B", "bardzo dobrze", D(5)),
        Symbol("D", "dobrze", D(4)),
        Symbol("P", "poprawnie", D(3)),
        Symbol("S", "słabo", D(2)),
        Symbol("N", "nie opanował(a)", D(1)),
    ),
)
DOTS = Scale(
    kind=ScaleKind.SYMBOLS,
    name="Kropki",
    symbols=(Symbol("●", "opanował(a)"), Symbol("○", "jeszcze ćwiczy")),
)
THRESHOLDS = (
    Threshold(D(30), 2),
    Threshold(D(50), 3),
    Threshold(D(70), 4),
    Threshold(D(86), 5),
    Threshold(D(96), 6),
)
POINTS = Scale(kind=ScaleKind.POINTS, name="Punkty", thresholds=THRESHOLDS)
BARE_POINTS = Scale(kind=ScaleKind.POINTS, name="Punkty bez ocen")
TEXT = Scale(kind=ScaleKind.TEXT, name="Komentarz")


@pytest.mark.parametrize(
    ("scale", "typed", "entry"),
    [
        (STANDARD, "5+", Entry("5+", D("5.5"))),
        (STANDARD, "np", Entry("np", None)),
        (EARLY, "W", Entry("W", D(6))),
        (EARLY, " b ", Entry("B", D(5))),
        (EARLY, "n", Entry("N", D(1))),
        (DOTS, "●", Entry("●", None)),
        (POINTS, "12/20", Entry("12/20", D(3))),
        (POINTS, "12,5 / 20", Entry("12,5/20", D(3))),
        (POINTS, "19.2/20", Entry("19,2/20", D(6))),
        (POINTS, "5/20", Entry("5/20", D(1))),
        (POINTS, "20/20", Entry("20/20", D(6))),
        (POINTS, "0/10", Entry("0/10", D(1))),
        (BARE_POINTS, "12/20", Entry("12/20", None)),
        (TEXT, " Ładnie czyta. ", Entry("", None, descriptive="Ładnie czyta.")),
    ],
)
def test_parse_cell(scale: Scale, typed: str, entry: Entry) -> None:
    assert parse_cell(typed, scale, POLICY) == entry


@pytest.mark.parametrize(
    ("scale", "typed", "message"),
    [
        (STANDARD, "W", "is not a mark"),
        (EARLY, "5", "use W, B, D, P, S, N"),
        (EARLY, "np", "use W, B, D, P, S, N"),
        (EARLY, "", "Enter a mark"),
        (DOTS, "x", "use ●, ○"),
        (POINTS, "12", "scored/maximum"),
        (POINTS, "21/20", "More points than the maximum"),
        (POINTS, "3/0", "above zero"),
        (POINTS, "12,555/20", "scored/maximum"),
        (POINTS, "abc", "scored/maximum"),
        (TEXT, "x" * 501, "500 characters"),
        (TEXT, "   ", "Enter a mark"),
    ],
)
def test_parse_cell_refuses(scale: Scale, typed: str, message: str) -> None:
    with pytest.raises(MarkError, match=message):
        parse_cell(typed, scale, POLICY)


@pytest.mark.parametrize(
    ("percent", "thresholds", "grade"),
    [
        (D(0), THRESHOLDS, 1),
        (D("29.9"), THRESHOLDS, 1),
        (D(30), THRESHOLDS, 2),
        (D("69.9"), THRESHOLDS, 3),
        (D(70), THRESHOLDS, 4),
        (D(96), THRESHOLDS, 6),
        (D(100), THRESHOLDS, 6),
        (D(50), (), None),
    ],
)
def test_grade_for_percent(percent: D, thresholds: tuple[Threshold, ...], grade: int) -> None:
    assert grade_for_percent(percent, thresholds) == grade


@pytest.mark.parametrize(
    ("points", "maximum", "percent"),
    [(D(12), D(20), D("60.0")), (D(1), D(3), D("33.3")), (D(2), D(3), D("66.7"))],
)
def test_percent_of(points: D, maximum: D, percent: D) -> None:
    assert percent_of(points, maximum) == percent


@pytest.mark.parametrize(
    ("scale", "has_values"),
    [(STANDARD, True), (EARLY, True), (DOTS, False), (POINTS, True), (BARE_POINTS, False)]
    + [(TEXT, False)],
)
def test_has_values(scale: Scale, has_values: bool) -> None:
    assert scale.has_values is has_values


@pytest.mark.parametrize(
    ("scale", "text", "meaning", "value"),
    [
        (EARLY, "W", "wspaniale", D(6)),
        (EARLY, "X", "", None),
        (DOTS, "○", "jeszcze ćwiczy", None),
        (POINTS, "12/20", "60%", D(3)),
        (POINTS, "1/3", "33,3%", D(2)),
        (TEXT, "", "", None),
        (STANDARD, "4+", "", D("4.5")),
    ],
)
def test_meaning_and_value(scale: Scale, text: str, meaning: str, value: D | None) -> None:
    assert meaning_of(text, scale) == meaning
    assert value_of(text, scale, POLICY) == value


def test_averages_skip_marks_without_value() -> None:
    """Only marks with a value count: a dot scale gives none, so no average at all."""
    dots = [parse_cell(t, DOTS, POLICY) for t in ("●", "○")]
    assert weighted_average((WeightedMark(e.value, D(1)) for e in dots), POLICY) is None
    mixed = [parse_cell("W", EARLY, POLICY), parse_cell("●", DOTS, POLICY)]
    marks = [WeightedMark(e.value, D(1)) for e in mixed]
    assert weighted_average(marks, POLICY) == D("6.00")


@pytest.mark.parametrize(
    ("scale", "problem"),
    [
        (Scale(kind=ScaleKind.SYMBOLS, name="Puste"), "at least one symbol"),
        (
            Scale(kind=ScaleKind.SYMBOLS, name="X", symbols=(Symbol("W", "a"), Symbol("w", "b"))),
            "“w” is repeated",
        ),
        (Scale(kind=ScaleKind.SYMBOLS, name="X", symbols=(Symbol("W", " "),)), "needs a meaning"),
        (
            Scale(kind=ScaleKind.SYMBOLS, name="X", symbols=(Symbol("ABCDEFGHIJK", "a"),)),
            "1 to 10 characters",
        ),
        (Scale(kind=ScaleKind.SYMBOLS, name="X", symbols=(Symbol("a b", "a"),)), "spaces"),
        (
            Scale(kind=ScaleKind.SYMBOLS, name="X", symbols=(Symbol("W", "a", D(100)),)),
            "between 0 and 99.99",
        ),
        (
            Scale(
                kind=ScaleKind.POINTS,
                name="X",
                thresholds=(Threshold(D(50), 3), Threshold(D(40), 4)),
            ),
            "Thresholds must increase",
        ),
        (
            Scale(
                kind=ScaleKind.POINTS,
                name="X",
                thresholds=(Threshold(D(50), 4), Threshold(D(60), 3)),
            ),
            "Thresholds must increase",
        ),
        (
            Scale(kind=ScaleKind.POINTS, name="X", thresholds=(Threshold(D(120), 3),)),
            "from 0 to 100",
        ),
        (Scale(kind=ScaleKind.POINTS, name="X", thresholds=(Threshold(D(50), 7),)), "1 to 6"),
        (Scale(kind=ScaleKind.TEXT, name=" "), "name"),
        (Scale(kind=ScaleKind.STANDARD, name="X"), "kind"),
    ],
)
def test_scale_problems(scale: Scale, problem: str) -> None:
    assert any(problem in p for p in scale_problems(scale)), scale_problems(scale)


@pytest.mark.parametrize("scale", [EARLY, DOTS, POINTS, BARE_POINTS, TEXT])
def test_good_scales_have_no_problems(scale: Scale) -> None:
    assert scale_problems(scale) == []


def test_symbols_and_thresholds_round_trip_through_the_form_text() -> None:
    symbols, problems = read_symbols(symbols_text(EARLY.symbols) + "\n\n" + "● = kropka")
    assert problems == []
    assert tuple(symbols) == (*EARLY.symbols, Symbol("●", "kropka"))
    thresholds, problems = read_thresholds(thresholds_text(THRESHOLDS))
    assert problems == [] and tuple(thresholds) == THRESHOLDS


@pytest.mark.parametrize(
    ("text", "problem"),
    [("W", "symbol = meaning"), ("W = a = b", "not a number"), ("W = a = 1 = 2", "symbol =")],
)
def test_read_symbols_names_the_bad_line(text: str, problem: str) -> None:
    _symbols, problems = read_symbols("B = bardzo dobrze\n" + text)
    assert len(problems) == 1 and problem in problems[0] and "Line 2" in problems[0]


@pytest.mark.parametrize("text", ["50", "50 = x", "pół = 3", "50 = 3 = 4"])
def test_read_thresholds_names_the_bad_line(text: str) -> None:
    _thresholds, problems = read_thresholds(text)
    assert len(problems) == 1 and "Line 1" in problems[0]


MATHS, RELIGION, ART = 1, 2, 3
ASSIGNMENTS = [
    Assignment(scale_id=10, level=1, subject_id=None),
    Assignment(scale_id=11, level=None, subject_id=ART),
    Assignment(scale_id=12, level=2, subject_id=ART),
    Assignment(scale_id=13, level=3, subject_id=RELIGION),
]


@pytest.mark.parametrize(
    ("level", "subject_id", "name", "chosen"),
    [
        (1, MATHS, "Edukacja matematyczna", 10),  # the level's scale
        (1, ART, "Plastyka", 11),  # the subject beats the level
        (2, ART, "Plastyka", 12),  # subject in this level beats the subject alone
        (5, ART, "Plastyka", 11),
        (2, MATHS, "Matematyka", None),  # nothing assigned: the standard scale
        (1, RELIGION, "Religia", None),  # a level's scale never reaches religion
        (1, RELIGION, "Etyka", None),
        (3, RELIGION, "Religia", 13),  # …but a scale given to it by subject does
    ],
)
def test_choose_scale(level: int, subject_id: int, name: str, chosen: int | None) -> None:
    found = choose_scale(ASSIGNMENTS, level=level, subject_id=subject_id, subject_name=name)
    assert found == chosen
