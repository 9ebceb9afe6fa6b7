"""The what-if calculator's arithmetic — pure, no ORM: hypothetical marks added to a
student's real ones give a new average and suggested grade, and the mark needed for a target
grade. The page's form fields are read into a typed :class:`WhatIfInput`; the answer uses the
same functions as every average in Kajet (``kajet.grades.averages``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from kajet.core.numbers import parse_whole
from kajet.grades.averages import (
    Needed,
    WeightedMark,
    needed_mark,
    suggested_grade,
    weighted_average,
)
from kajet.grades.scale import MarkError, Policy, parse_mark

#: The grades a target can be (a 1 needs no calculator).
TARGET_GRADES = (2, 3, 4, 5, 6)


@dataclass(frozen=True)
class WhatIfRow:
    """One hypothetical mark as typed: the mark (``4+``) and its weight (``2``, ``1,5``)."""

    mark: str
    weight: str = "1"


@dataclass(frozen=True)
class WhatIfInput:
    """The calculator's question: hypothetical marks and, optionally, a target grade that
    one more mark of ``target_weight`` should reach."""

    rows: tuple[WhatIfRow, ...]
    target: int | None = None
    target_weight: Decimal = Decimal(1)

    @classmethod
    def from_fields(
        cls, marks: Sequence[str], weights: Sequence[str], target: str, target_weight: str
    ) -> WhatIfInput:
        """From the form's fields (a missing weight is 1; an unreadable target weight too)."""
        rows = tuple(
            WhatIfRow(mark=text, weight=weights[i] if i < len(weights) else "1")
            for i, text in enumerate(marks)
        )
        try:
            weight = Decimal((target_weight or "1").replace(",", "."))
        except InvalidOperation:
            weight = Decimal(1)
        return cls(rows=rows, target=parse_whole(target, largest=6), target_weight=weight)


@dataclass(frozen=True)
class WhatIfAnswer:
    """Averages now and with the hypothetical marks, their suggested grades, the mark needed
    for the target (None without a target one can aim for) and the rows that could not be
    read (each with a message in the user's language)."""

    current: Decimal | None
    current_suggested: int | None
    new: Decimal | None
    new_suggested: int | None
    needed: Needed | None
    errors: tuple[str, ...]


def _read_row(row: WhatIfRow, policy: Policy) -> WeightedMark:
    """A typed row as a mark; raises ValueError with the message to show."""
    try:
        mark = parse_mark(row.mark, policy)
        weight = Decimal(row.weight.replace(",", ".") or "1")
        if weight < 0:
            raise InvalidOperation
    except MarkError as error:
        raise ValueError(str(error)) from None
    except InvalidOperation:
        raise ValueError(_("“%(weight)s” is not a weight.") % {"weight": row.weight}) from None
    return WeightedMark(value=mark.value, weight=weight)


def what_if(base: Sequence[WeightedMark], question: WhatIfInput, policy: Policy) -> WhatIfAnswer:
    """Answer ``question`` for a student whose real marks are ``base``: blank rows are left
    out, unreadable ones are reported and left out too."""
    hypothetical: list[WeightedMark] = []
    errors: list[str] = []
    for row in question.rows:
        if not row.mark.strip():
            continue
        try:
            hypothetical.append(_read_row(row, policy))
        except ValueError as error:
            errors.append(str(error))
    marks = [*base, *hypothetical]
    current = weighted_average(base, policy)
    new = weighted_average(marks, policy)
    needed = None
    if question.target in TARGET_GRADES:
        needed = needed_mark(marks, question.target, question.target_weight, policy)
    return WhatIfAnswer(
        current=current,
        current_suggested=suggested_grade(current, policy),
        new=new,
        new_suggested=suggested_grade(new, policy),
        needed=needed,
        errors=tuple(errors),
    )
