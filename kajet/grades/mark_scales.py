"""Scales for current marks — pure rules, no ORM (issue 13, "early years and other scales").

A school grades current marks on the standard scale (1–6 with ``+``/``-`` and the policy's
marks without value: ``scale.parse_mark``) unless it assigns a course another scale:

- **symbols**: a short list of the school's own symbols (``W``/``B``/``D``/``P``/``S``/``N``,
  dots, …), each with a meaning and an optional value for the school's statistics;
- **points**: ``12/20`` — the percentage is turned into a grade by the scale's thresholds
  (``50 % → 3``); a scale without thresholds gives the points no value;
- **text**: a short written comment in place of a mark (no value).

Averages use a mark's value, so they are computed only where the scale gives values; a
mark without value is skipped (``averages.weighted_average``).

Which scale a course uses is ``choose_scale``: an assignment to the subject in the course's
class level beats one to the subject alone, which beats one to the level alone. A level-wide
assignment never reaches religion and ethics: they are graded with marks in every class
(``scale.is_religion_or_ethics``); the school can still give them a scale by subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from kajet.core.numbers import typed_number
from kajet.grades.scale import HIGHEST, LOWEST, MarkError, Policy, is_religion_or_ethics, parse_mark


class ScaleKind:
    STANDARD = "standard"
    SYMBOLS = "symbols"
    POINTS = "points"
    TEXT = "text"

    ALL = (STANDARD, SYMBOLS, POINTS, TEXT)


#: The longest symbol (``Grade.text`` holds 10 characters), meaning and text comment.
SYMBOL_MAX = 10
MEANING_MAX = 100
TEXT_MAX = 500
#: A symbol's value fits ``Grade.value`` (4 digits, 2 decimal places).
VALUE_MAX = Decimal("99.99")


@dataclass(frozen=True)
class Symbol:
    """One symbol of a symbols scale: what the teacher types, what it means, and its value
    for averages and statistics (None: it never counts)."""

    symbol: str
    meaning: str
    value: Decimal | None = None


@dataclass(frozen=True)
class Threshold:
    """From ``percent`` (inclusive) of the points up, a points mark is worth ``grade``."""

    percent: Decimal
    grade: int


@dataclass(frozen=True)
class Scale:
    """A scale as plain values (built from a ``MarkScale`` row by ``MarkScale.rules()``)."""

    kind: str = ScaleKind.STANDARD
    name: str = ""
    symbols: tuple[Symbol, ...] = ()
    thresholds: tuple[Threshold, ...] = ()  # lowest percentage first

    @property
    def has_values(self) -> bool:
        """Whether any mark on this scale can count toward an average."""
        if self.kind == ScaleKind.STANDARD:
            return True
        if self.kind == ScaleKind.SYMBOLS:
            return any(s.value is not None for s in self.symbols)
        if self.kind == ScaleKind.POINTS:
            return bool(self.thresholds)
        return False

    @property
    def allowed(self) -> str:
        """The symbols a teacher may type, for hints and errors (``W, B, D``)."""
        return ", ".join(s.symbol for s in self.symbols)


STANDARD = Scale()


@dataclass(frozen=True)
class Entry:
    """A typed cell read against a scale: the mark's text (short), its value (None: it does
    not count) and, on a text scale, the comment kept as the grade's descriptive text."""

    text: str
    value: Decimal | None
    descriptive: str = ""


_POINTS = re.compile(r"^(\d{1,3}(?:[.,]\d{1,2})?)/(\d{1,3}(?:[.,]\d{1,2})?)$")


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _plain(number: Decimal) -> str:
    """``12`` for 12.0, ``12,5`` for 12.50 (Polish decimal comma)."""
    text = format(number.normalize(), "f")
    return text.replace(".", ",")


def percent_of(points: Decimal, maximum: Decimal) -> Decimal:
    """The percentage of the points, half-up to one place (``12/20`` → 60.0)."""
    return (points * 100 / maximum).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def grade_for_percent(percent: Decimal, thresholds: Sequence[Threshold]) -> int | None:
    """The grade the thresholds give a percentage: the highest threshold reached; under the
    lowest one a 1. None when the scale has no thresholds (the points have no value)."""
    if not thresholds:
        return None
    reached = [t.grade for t in thresholds if percent >= t.percent]
    return max(reached) if reached else LOWEST


def _parse_points(raw: str, scale: Scale) -> Entry:
    match = _POINTS.match(raw.replace(" ", ""))
    if not match:
        raise MarkError(_("Enter points as “scored/maximum”, e.g. 12/20."))
    points, maximum = _decimal(match.group(1)), _decimal(match.group(2))
    if maximum <= 0:
        raise MarkError(_("The maximum number of points must be above zero."))
    if points > maximum:
        raise MarkError(_("More points than the maximum."))
    text = f"{_plain(points)}/{_plain(maximum)}"
    if len(text) > SYMBOL_MAX:
        raise MarkError(_("Points are at most 10 characters long, e.g. 12,5/20."))
    grade = grade_for_percent(percent_of(points, maximum), scale.thresholds)
    return Entry(text, Decimal(grade) if grade is not None else None)


def parse_cell(text: str, scale: Scale, policy: Policy) -> Entry:
    """Read what a teacher typed in a cell against the course's scale.

    Raises ``MarkError`` with a message for the cell; on a symbols scale the message names
    the allowed symbols. Symbols are matched ignoring case and stored as the scale spells
    them."""
    if scale.kind == ScaleKind.STANDARD:
        mark = parse_mark(text, policy)
        return Entry(mark.text, mark.value)
    raw = typed_number(text or "")
    if not raw:
        raise MarkError(_("Enter a mark."))
    if scale.kind == ScaleKind.SYMBOLS:
        for symbol in scale.symbols:
            if symbol.symbol.casefold() == raw.casefold():
                return Entry(symbol.symbol, symbol.value)
        raise MarkError(
            _("“%(text)s” is not on the scale “%(scale)s”: use %(allowed)s.")
            % {"text": raw[:20], "scale": scale.name, "allowed": scale.allowed}
        )
    if scale.kind == ScaleKind.POINTS:
        return _parse_points(raw, scale)
    if len(raw) > TEXT_MAX:
        raise MarkError(_("A comment is at most 500 characters long."))
    return Entry("", None, descriptive=raw)


def value_of(text: str, scale: Scale, policy: Policy) -> Decimal | None:
    """The value a stored mark has on the scale now (after the scale changed); None when it
    has none or is no longer on the scale."""
    if scale.kind == ScaleKind.TEXT or not text:
        return None
    try:
        return parse_cell(text, scale, policy).value
    except MarkError:
        return None


def meaning_of(text: str, scale: Scale) -> str:
    """What a stored mark means: a symbol's meaning, or the percentage of points."""
    if scale.kind == ScaleKind.SYMBOLS:
        for symbol in scale.symbols:
            if symbol.symbol == text:
                return symbol.meaning
        return ""
    if scale.kind == ScaleKind.POINTS:
        match = _POINTS.match(text)
        if match and _decimal(match.group(2)) > 0:
            percent = percent_of(_decimal(match.group(1)), _decimal(match.group(2)))
            return f"{_plain(percent)}%"
    return ""


# --- Building and checking a scale the administrator typed ---------------------------------


def symbols_problems(symbols: Sequence[Symbol]) -> list[str]:
    """What is wrong with a symbols scale's list (empty list: nothing)."""
    problems: list[str] = []
    if not symbols:
        problems.append(_("A symbols scale needs at least one symbol."))
    seen: set[str] = set()
    for symbol in symbols:
        key = symbol.symbol.casefold()
        if not symbol.symbol or len(symbol.symbol) > SYMBOL_MAX:
            problems.append(_("A symbol has 1 to 10 characters."))
        elif " " in symbol.symbol or "/" in symbol.symbol:
            problems.append(
                _("The symbol “%(symbol)s” may not contain spaces or “/”.")
                % {"symbol": symbol.symbol}
            )
        if key in seen:
            problems.append(_("The symbol “%(symbol)s” is repeated.") % {"symbol": symbol.symbol})
        seen.add(key)
        if not symbol.meaning.strip():
            problems.append(
                _("The symbol “%(symbol)s” needs a meaning.") % {"symbol": symbol.symbol}
            )
        elif len(symbol.meaning) > MEANING_MAX:
            problems.append(_("A meaning is at most 100 characters long."))
        if symbol.value is not None and not Decimal(0) <= symbol.value <= VALUE_MAX:
            problems.append(_("A symbol's value is between 0 and 99.99."))
    return problems


def thresholds_problems(thresholds: Sequence[Threshold]) -> list[str]:
    """What is wrong with a points scale's thresholds: percentages from 0 to 100, grades
    1–6, both increasing (empty list: nothing; no thresholds at all is allowed — the
    points then have no value)."""
    problems: list[str] = []
    for threshold in thresholds:
        if not Decimal(0) <= threshold.percent <= Decimal(100):
            problems.append(_("A threshold is a percentage from 0 to 100."))
        if not LOWEST <= threshold.grade <= HIGHEST:
            problems.append(_("A threshold's grade is a whole grade from 1 to 6."))
    for lower, higher in zip(thresholds, thresholds[1:], strict=False):
        if higher.percent <= lower.percent or higher.grade <= lower.grade:
            problems.append(
                _("Thresholds must increase: each a higher percentage for a higher grade.")
            )
            break
    return problems


def scale_problems(scale: Scale) -> list[str]:
    """Everything wrong with a scale as the administrator typed it."""
    problems: list[str] = []
    if scale.kind not in ScaleKind.ALL or scale.kind == ScaleKind.STANDARD:
        problems.append(_("Choose the kind of scale."))
    if not scale.name.strip():
        problems.append(_("Give the scale a name."))
    if scale.kind == ScaleKind.SYMBOLS:
        problems += symbols_problems(scale.symbols)
    if scale.kind == ScaleKind.POINTS:
        problems += thresholds_problems(scale.thresholds)
    return problems


def _number(text: str) -> Decimal | None:
    try:
        value = _decimal(text.strip().rstrip("%").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def read_symbols(text: str) -> tuple[list[Symbol], list[str]]:
    """Symbols typed one a line as ``symbol = meaning`` or ``symbol = meaning = value``
    (``W = wspaniale = 6``). Returns the symbols and the lines that could not be read."""
    symbols: list[Symbol] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("=")]
        value: Decimal | None = None
        if len(parts) == 3 and parts[2]:
            value = _number(parts[2])
            if value is None:
                problems.append(_("Line %(line)d: the value is not a number.") % {"line": number})
                continue
        if len(parts) not in (2, 3):
            problems.append(
                _("Line %(line)d: write “symbol = meaning” or “symbol = meaning = value”.")
                % {"line": number}
            )
            continue
        symbols.append(Symbol(parts[0], parts[1], value))
    return symbols, problems


def read_thresholds(text: str) -> tuple[list[Threshold], list[str]]:
    """Thresholds typed one a line as ``percent = grade`` (``50 = 3``)."""
    thresholds: list[Threshold] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("=")]
        percent = _number(parts[0]) if len(parts) == 2 else None
        grade = parts[1] if len(parts) == 2 else ""
        if percent is None or not grade.isascii() or not grade.isdigit():
            problems.append(
                _("Line %(line)d: write “percentage = grade”, e.g. 50 = 3.") % {"line": number}
            )
            continue
        thresholds.append(Threshold(percent, int(grade)))
    return thresholds, problems


def symbols_text(symbols: Iterable[Symbol]) -> str:
    """The symbols as the form shows them (the inverse of ``read_symbols``)."""
    lines = []
    for s in symbols:
        line = f"{s.symbol} = {s.meaning}"
        if s.value is not None:
            line += f" = {_plain(s.value)}"
        lines.append(line)
    return "\n".join(lines)


def thresholds_text(thresholds: Iterable[Threshold]) -> str:
    return "\n".join(f"{_plain(t.percent)} = {t.grade}" for t in thresholds)


# --- Which scale a course uses --------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """A scale given to a class level, a subject, or a subject in one level."""

    scale_id: int
    level: int | None
    subject_id: int | None


def choose_scale(
    assignments: Iterable[Assignment], *, level: int, subject_id: int, subject_name: str
) -> int | None:
    """The scale of a course (None: the standard scale). The most specific assignment wins:
    subject in this level, then the subject in any level, then the level — except that a
    level-wide assignment does not apply to religion and ethics (marks in every class)."""
    best: tuple[int, int] | None = None
    for item in assignments:
        if item.level is not None and item.level != level:
            continue
        if item.subject_id is not None and item.subject_id != subject_id:
            continue
        if item.subject_id is None and item.level is None:
            continue
        if item.subject_id is None and is_religion_or_ethics(subject_name):
            continue
        rank = (2 if item.subject_id is not None else 0) + (1 if item.level is not None else 0)
        if best is None or rank > best[0]:
            best = (rank, item.scale_id)
    return best[1] if best else None
