"""The grade scale as a pure function of the school's policy (no ORM here).

Polish scale 1–6 with ``+`` and ``-``: the value of a modifier is school policy (``4+`` is
usually 4.5, ``4-`` 3.75). Marks without a value (``np`` unprepared, ``bz`` no homework,
``+``, ``-`` and the school's own) never count toward an average. Term and annual grades are
whole grades, shown in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from kajet.core.numbers import parse_whole, typed_number

LOWEST = 1
HIGHEST = 6
#: The marks' digits, ASCII only ("٤" or "²" is not a mark; a full-width "５" becomes "5").
_DIGITS = frozenset(str(n) for n in range(LOWEST, HIGHEST + 1))

#: Whole grades in words (term and annual grades).
GRADE_WORDS = {
    6: _("excellent (celujący)"),
    5: _("very good (bardzo dobry)"),
    4: _("good (dobry)"),
    3: _("satisfactory (dostateczny)"),
    2: _("sufficient (dopuszczający)"),
    1: _("insufficient (niedostateczny)"),
}

#: Behaviour grades, best first (stored as 6 … 1).
BEHAVIOUR_WORDS = {
    6: _("exemplary (wzorowe)"),
    5: _("very good (bardzo dobre)"),
    4: _("good (dobre)"),
    3: _("acceptable (poprawne)"),
    2: _("inappropriate (nieodpowiednie)"),
    1: _("reprehensible (naganne)"),
}


class CorrectionRule:
    """How a corrected grade and its correction count toward the average."""

    BOTH = "both"  # the original and the correction both count with their weights
    CORRECTION_ONLY = "correction_only"  # the original is left out of the average
    ORIGINAL_ZERO = "original_zero"  # the original stays in the set with weight 0

    ALL = (BOTH, CORRECTION_ONLY, ORIGINAL_ZERO)


@dataclass(frozen=True)
class Policy:
    """The school's grading policy, as plain values (built from ``GradingPolicy.rules()``).

    ``thresholds`` maps a minimal average to the suggested whole grade, highest first; an
    average under every threshold suggests 1.
    """

    plus_value: Decimal = Decimal("0.5")
    minus_value: Decimal = Decimal("0.25")
    valueless: tuple[str, ...] = ("np", "bz", "+", "-")
    correction_rule: str = CorrectionRule.BOTH
    thresholds: tuple[tuple[Decimal, int], ...] = field(
        default=(
            (Decimal("5.51"), 6),
            (Decimal("4.51"), 5),
            (Decimal("3.51"), 4),
            (Decimal("2.51"), 3),
            (Decimal("1.51"), 2),
        )
    )
    show_averages_to_family: bool = True
    descriptive_up_to_level: int = 3


class MarkError(ValueError):
    """The text is not a mark on this school's scale (the message is shown at the cell)."""


@dataclass(frozen=True)
class Mark:
    """A parsed mark: its normalised text and its value (None for a mark without value)."""

    text: str
    value: Decimal | None

    @property
    def has_value(self) -> bool:
        return self.value is not None


def parse_mark(text: str, policy: Policy) -> Mark:
    """Read what a teacher typed (``5+``, ``4-``, ``3``, ``np``, ``+``) into a Mark.

    Accepts surrounding spaces and a modifier on either side (``+5`` = ``5+``). ``6+`` and
    ``1-`` are outside the scale. Raises MarkError with a message for the cell.
    """
    raw = typed_number(text or "").replace(" ", "")
    if not raw:
        raise MarkError(_("Enter a mark."))
    lowered = raw.lower()
    for symbol in policy.valueless:
        if lowered == symbol.lower():
            return Mark(symbol, None)
    digit, modifier = "", ""
    if len(raw) == 1:
        digit = raw
    elif len(raw) == 2 and raw[0] in "+-":
        modifier, digit = raw[0], raw[1]
    elif len(raw) == 2 and raw[1] in "+-":
        digit, modifier = raw[0], raw[1]
    if digit not in _DIGITS:
        raise MarkError(
            _("“%(text)s” is not a mark (1–6 with + or -, or %(others)s).")
            % {
                "text": raw,
                "others": ", ".join(policy.valueless),
            }
        )
    base = int(digit)
    if modifier == "+":
        if base == HIGHEST:
            raise MarkError(_("6+ is above the scale."))
        return Mark(f"{base}+", Decimal(base) + policy.plus_value)
    if modifier == "-":
        if base == LOWEST:
            raise MarkError(_("1- is below the scale."))
        return Mark(f"{base}-", Decimal(base) - policy.minus_value)
    return Mark(str(base), Decimal(base))


def parse_whole_grade(text: str | int) -> int:
    """A term or annual grade: a whole grade 1–6 (no ``+``/``-``)."""
    value = parse_whole(text, largest=HIGHEST)
    if value is None or value < LOWEST:
        raise MarkError(_("A term or annual grade is a whole grade from 1 to 6."))
    return value


def grade_in_words(value: int | None) -> str:
    return str(GRADE_WORDS.get(value, "")) if value is not None else ""


def scale_marks(policy: Policy) -> list[Mark]:
    """Every mark with a value on the scale, lowest first (1, 2-, 2, 2+, …, 6)."""
    marks: list[Mark] = []
    for base in range(LOWEST, HIGHEST + 1):
        if base > LOWEST:
            marks.append(Mark(f"{base}-", Decimal(base) - policy.minus_value))
        marks.append(Mark(str(base), Decimal(base)))
        if base < HIGHEST:
            marks.append(Mark(f"{base}+", Decimal(base) + policy.plus_value))
    return sorted(marks, key=lambda m: m.value or Decimal(0))


#: Subjects graded with marks in every class, also where the policy grades descriptively
#: (religion and ethics: rozporządzenie MEN w sprawie warunków i sposobu organizowania nauki
#: religii, § 9 — their term and annual grade is a mark in classes I–III too). Recognised by
#: the beginning of the subject's name, any case.
ALWAYS_MARKED = ("religia", "etyka", "religion", "ethics")


def is_religion_or_ethics(subject_name: str) -> bool:
    """``Religia``, ``Etyka``, ``religia rzymskokatolicka``, ``Ethics``."""
    return subject_name.strip().casefold().startswith(ALWAYS_MARKED)


def graded_descriptively(level: int, subject_name: str, policy: Policy) -> bool:
    """Whether a course's term and annual grades are descriptive: classes up to the policy's
    ``descriptive_up_to_level``, except religion and ethics (marks in every class)."""
    return level <= policy.descriptive_up_to_level and not is_religion_or_ethics(subject_name)
