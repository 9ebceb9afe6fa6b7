"""Table-driven tests of the what-if calculator's arithmetic (kajet.grades.what_if, pure)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.utils import translation

from kajet.grades.averages import WeightedMark
from kajet.grades.scale import Policy
from kajet.grades.what_if import WhatIfInput, WhatIfRow, what_if

POLICY = Policy()
FOURS = [WeightedMark(value=D(4), weight=D(1)), WeightedMark(value=D(4), weight=D(1))]


@pytest.mark.parametrize(
    ("marks", "weights", "target", "target_weight", "expected"),
    [
        ([], [], "", "", WhatIfInput(rows=())),
        (["5"], [], "", "", WhatIfInput(rows=(WhatIfRow("5", "1"),))),
        (
            ["5", "3"],
            ["2"],
            "6",
            "3",
            WhatIfInput((WhatIfRow("5", "2"), WhatIfRow("3", "1")), 6, D(3)),
        ),
        (["5"], ["1"], "x", "1,5", WhatIfInput((WhatIfRow("5", "1"),), None, D("1.5"))),
        (["5"], ["1"], "5", "abc", WhatIfInput((WhatIfRow("5", "1"),), 5, D(1))),
        (["5"], ["1"], "5", "", WhatIfInput((WhatIfRow("5", "1"),), 5, D(1))),
    ],
)
def test_input_from_fields(marks, weights, target, target_weight, expected):
    assert WhatIfInput.from_fields(marks, weights, target, target_weight) == expected


@pytest.mark.parametrize(
    ("rows", "current", "new", "new_suggested", "errors"),
    [
        ((), D("4.00"), D("4.00"), 4, 0),
        ((WhatIfRow("6", "1"),), D("4.00"), D("4.67"), 5, 0),
        ((WhatIfRow("6", "2"),), D("4.00"), D("5.00"), 5, 0),
        ((WhatIfRow("1", "0,5"),), D("4.00"), D("3.40"), 3, 0),
        ((WhatIfRow("  ", "1"),), D("4.00"), D("4.00"), 4, 0),  # blank rows are left out
        ((WhatIfRow("np", "1"),), D("4.00"), D("4.00"), 4, 0),  # a valueless mark
        ((WhatIfRow("7", "1"),), D("4.00"), D("4.00"), 4, 1),  # not a mark
        ((WhatIfRow("5", "-1"),), D("4.00"), D("4.00"), 4, 1),  # a negative weight
        ((WhatIfRow("5", "x"), WhatIfRow("6", "1")), D("4.00"), D("4.67"), 5, 1),
    ],
)
def test_answer(rows, current, new, new_suggested, errors):
    answer = what_if(FOURS, WhatIfInput(rows=rows), POLICY)
    assert answer.current == current
    assert answer.current_suggested == 4
    assert answer.new == new
    assert answer.new_suggested == new_suggested
    assert len(answer.errors) == errors
    assert answer.needed is None


@pytest.mark.parametrize(
    ("target", "weight", "already", "needed"),
    [
        (4, D(1), True, None),
        (5, D(1), False, "6-"),  # (4 + 4 + 5.75) / 3 = 4.58; 5+ gives 4.50
        (5, D(2), False, "5+"),  # (4 + 4 + 2·5.5) / 4 = 4.75; 5 gives 4.50
        (6, D(1), False, None),  # one mark of weight 1 cannot lift 4, 4 to 5.51
        (1, D(1), None, None),  # not a target one aims for: no answer
        (7, D(1), None, None),
    ],
)
def test_needed(target, weight, already, needed):
    answer = what_if(FOURS, WhatIfInput(rows=(), target=target, target_weight=weight), POLICY)
    if already is None:
        assert answer.needed is None
        return
    assert answer.needed is not None
    assert answer.needed.already is already
    assert (answer.needed.mark.text if answer.needed.mark else None) == needed


def test_weight_error_in_polish():
    with translation.override("pl"):
        answer = what_if(FOURS, WhatIfInput(rows=(WhatIfRow("5", "x"),)), POLICY)
    assert answer.errors == ("„x” nie jest prawidłową wagą.",)
