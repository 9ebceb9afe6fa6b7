"""Weighted averages, suggested grades and the what-if calculator — pure functions on
``Decimal`` taking the school policy as an argument (no ORM here).

The weighted average is Σ(value·weight) / Σ(weight) over the marks that count: a mark counts
when it has a value, its category counts toward the average and its effective weight is
above zero. Which of a corrected grade and its correction count is the policy's correction
rule. Averages are rounded half-up to two places, as schools print them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kajet.grades.scale import CorrectionRule, Mark, Policy, scale_marks

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class WeightedMark:
    """One mark as the average sees it. ``corrects`` is the id of the mark this one
    corrects; ``id`` is needed only when some mark in the set corrects it."""

    value: Decimal | None
    weight: Decimal
    counts: bool = True
    id: int | None = None
    corrects: int | None = None


def effective_weight(mark: WeightedMark, corrected_ids: frozenset[int], policy: Policy) -> Decimal:
    """The weight a mark has in the average under the policy (0 means it does not count)."""
    if mark.value is None or not mark.counts or mark.weight <= 0:
        return Decimal(0)
    # Both "only the correction" and "the original with weight 0" leave the original out of
    # the sums; they differ in what the pages show (the original with weight 0 is listed).
    corrected = mark.id is not None and mark.id in corrected_ids
    if corrected and policy.correction_rule != CorrectionRule.BOTH:
        return Decimal(0)
    return mark.weight


def weighted_average(marks: Iterable[WeightedMark], policy: Policy) -> Decimal | None:
    """Σ(value·weight)/Σ(weight) over the counting marks, or None when none count."""
    items = list(marks)
    corrected = frozenset(
        m.corrects for m in items if m.corrects is not None and m.value is not None
    )
    total = Decimal(0)
    weights = Decimal(0)
    for mark in items:
        weight = effective_weight(mark, corrected, policy)
        if weight and mark.value is not None:
            total += mark.value * weight
            weights += weight
    if not weights:
        return None
    return (total / weights).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def suggested_grade(average: Decimal | None, policy: Policy) -> int | None:
    """The whole grade the policy's thresholds suggest for an average (advice only)."""
    if average is None:
        return None
    for minimum, grade in sorted(policy.thresholds, key=lambda t: t[0], reverse=True):
        if average >= minimum:
            return grade
    return 1


def mean_of_averages(averages: Iterable[Decimal | None]) -> Decimal | None:
    """The overall average: the plain mean of the subjects' averages that exist."""
    present = [a for a in averages if a is not None]
    if not present:
        return None
    return (sum(present, Decimal(0)) / len(present)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def threshold_for(grade: int, policy: Policy) -> Decimal | None:
    """The smallest average that suggests ``grade`` (None for 1: any average does)."""
    for minimum, suggested in policy.thresholds:
        if suggested == grade:
            return minimum
    return None


@dataclass(frozen=True)
class Needed:
    """What one more mark must be to reach a target grade: ``already`` when the target is
    reached without it, else ``mark`` (None: no single mark of that weight is enough)."""

    already: bool
    mark: Mark | None


def needed_mark(
    marks: Sequence[WeightedMark], target: int, weight: Decimal, policy: Policy
) -> Needed:
    """The lowest mark on the scale that, added with ``weight``, lifts the suggested grade
    to at least ``target``."""
    current = suggested_grade(weighted_average(marks, policy), policy)
    if current is not None and current >= target:
        return Needed(already=True, mark=None)
    for candidate in scale_marks(policy):
        trial = [*marks, WeightedMark(value=candidate.value, weight=weight)]
        reached = suggested_grade(weighted_average(trial, policy), policy)
        if reached is not None and reached >= target:
            return Needed(already=False, mark=candidate)
    return Needed(already=False, mark=None)
