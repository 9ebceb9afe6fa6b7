"""Promotion per the annual classification, for the new school year's rollover.

From the first class graded with marks (above the policy's ``descriptive_up_to_level``) a
student is not promoted when a final annual grade is 1 (*niedostateczny*) — the rule the
certificates follow too (``kajet.records.rules.promoted``). Classes graded descriptively are
promoted unless the teachers' council decides otherwise, so the grades propose nobody there.
Religion and ethics do not count toward promotion (rozporządzenie MEN w sprawie warunków i
sposobu organizowania nauki religii, § 9 ust. 3); they are recognised by the subject's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from kajet.grades.models import Grade
from kajet.grades.scale import is_religion_or_ethics
from kajet.grades.selectors.common import school_policy

LOWEST_PASSING = 2


def counts_for_promotion(subject_name: str) -> bool:
    """False for religion and ethics (``Religia``, ``Etyka``, ``Religia rzymskokatolicka``)."""
    return not is_religion_or_ethics(subject_name)


def failed_subjects(
    finals: Iterable[tuple[str, Decimal | int | None]], *, descriptive: bool
) -> list[str]:
    """The subjects whose final annual grade keeps the student from promotion: a value below
    2, in a subject that counts; none in a descriptive class. In the given order, once each."""
    if descriptive:
        return []
    failed: list[str] = []
    for subject, value in finals:
        if value is None or value >= LOWEST_PASSING or not counts_for_promotion(subject):
            continue
        if subject not in failed:
            failed.append(subject)
    return failed


def annual_failures(school_id: int, year_id: int) -> dict[int, str]:
    """The year's students the annual classification does not promote, with the reason —
    two queries (the policy, the failing final annual grades)."""
    policy = school_policy(school_id)
    rows = (
        Grade.objects.filter(
            school_id=school_id,
            course__year_id=year_id,
            kind=Grade.Kind.FINAL_ANNUAL,
            deleted_at__isnull=True,
            value__lt=LOWEST_PASSING,
        )
        .order_by("course__subject__name", "pk")
        .values_list("student_id", "course__school_class__level", "course__subject__name", "value")
    )
    finals: dict[int, list[tuple[str, Decimal | None]]] = {}
    levels: dict[int, int] = {}
    for student_id, level, subject, value in rows:
        finals.setdefault(student_id, []).append((subject, value))
        levels[student_id] = level
    reasons: dict[int, str] = {}
    for student_id, lines in finals.items():
        descriptive = levels[student_id] <= policy.descriptive_up_to_level
        failed = failed_subjects(lines, descriptive=descriptive)
        if failed:
            reasons[student_id] = _("final annual grade 1 (unsatisfactory): %(subjects)s") % {
                "subjects": ", ".join(failed)
            }
    return reasons
