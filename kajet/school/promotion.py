"""Promotion blockers: apps above ``kajet.school`` (which it may not import) tell the new
school year's rollover which students the annual classification does not promote.

An app registers a callable in its ``AppConfig.ready``; the callable gets the school and the
year being closed and returns ``{student id: reason}`` in a fixed number of queries. The
rollover pre-ticks those students as not promoted and shows the reason; the administrator
decides.
"""

from __future__ import annotations

from collections.abc import Callable

#: (school id, school year id) → {student id: reason shown to the administrator}.
PromotionBlocker = Callable[[int, int], dict[int, str]]

_BLOCKERS: list[PromotionBlocker] = []


def register_promotion_blocker(blocker: PromotionBlocker) -> None:
    """Add a blocker once (registering the same callable again does nothing)."""
    if blocker not in _BLOCKERS:
        _BLOCKERS.append(blocker)


def not_promoted(school_id: int, year_id: int) -> dict[int, str]:
    """Every registered blocker's students, their reasons joined with ``; ``."""
    reasons: dict[int, list[str]] = {}
    for blocker in _BLOCKERS:
        for student_id, reason in blocker(school_id, year_id).items():
            reasons.setdefault(student_id, []).append(reason)
    return {student_id: "; ".join(texts) for student_id, texts in reasons.items()}
