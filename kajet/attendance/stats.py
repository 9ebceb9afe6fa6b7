"""Attendance statistics — pure: counts per base kind, the attendance percentage, and how many
more lessons a student may miss before falling under the school's threshold. No ORM here.

Counting rule (the usual one in Polish registers): *released* lessons (zwolnienie) are left
out of the count altogether; *late* counts as attended; *absent* and *excused* count as missed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

PRESENT = "present"
ABSENT = "absent"
EXCUSED = "excused"
LATE = "late"
RELEASED = "released"

#: The base kinds in display order; every school-defined type maps onto one of them.
KINDS: tuple[str, ...] = (PRESENT, ABSENT, EXCUSED, LATE, RELEASED)
ATTENDED = frozenset({PRESENT, LATE})
MISSED = frozenset({ABSENT, EXCUSED})


@dataclass
class Summary:
    """Counts per base kind and the derived numbers."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def counted(self) -> int:
        """Lessons that count toward the percentage (all but released)."""
        return self.total - self.counts.get(RELEASED, 0)

    @property
    def attended(self) -> int:
        return sum(self.counts.get(k, 0) for k in ATTENDED)

    @property
    def unexcused(self) -> int:
        return self.counts.get(ABSENT, 0)

    @property
    def percent(self) -> float | None:
        """Attendance percentage (one decimal), None when nothing counts yet."""
        return attendance_percent(self.attended, self.counted)

    def can_still_miss(self, threshold_percent: int) -> int | None:
        return lessons_left_to_miss(self.attended, self.counted, threshold_percent)


def summarize(kinds: Iterable[str]) -> Summary:
    summary = Summary()
    for kind in kinds:
        summary.add(kind)
    return summary


def attendance_percent(attended: int, counted: int) -> float | None:
    if counted <= 0:
        return None
    return round(100 * attended / counted, 1)


def lessons_left_to_miss(attended: int, counted: int, threshold_percent: int) -> int | None:
    """The largest N such that missing N more lessons keeps attended/(counted+N) at or above
    the threshold. None means "no limit" (threshold 0). 0 when already at or under it.

    Exact integer arithmetic: 100·attended ≥ t·(counted+N) ⇔ N ≤ (100·attended − t·counted)/t.
    """
    if threshold_percent <= 0:
        return None
    if threshold_percent > 100:
        raise ValueError("threshold above 100%")
    room = Fraction(100 * attended - threshold_percent * counted, threshold_percent)
    return max(0, int(room))  # int() truncates toward zero; negatives are clamped anyway
