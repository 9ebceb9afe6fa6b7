"""The school's attendance types and policy, created lazily with the five standard types."""

from __future__ import annotations

from collections.abc import Sequence

from kajet.attendance import stats
from kajet.attendance.models import (
    AttendancePolicy,
    AttendanceType,
)
from kajet.core.models import School

#: The five standard types every school gets: (code, kind, colour, English name).
STANDARD_TYPES: tuple[tuple[str, str, str, str], ...] = (
    ("ob", stats.PRESENT, "#15803d", "present"),
    ("nb", stats.ABSENT, "#b91c1c", "absent"),
    ("u", stats.EXCUSED, "#1d4ed8", "excused absence"),
    ("sp", stats.LATE, "#b45309", "late"),
    ("zw", stats.RELEASED, "#6b7280", "released"),
)


def attendance_types_for(school: School | int) -> list[AttendanceType]:
    """The school's types in order; the five standard ones are created on first use."""
    school_id = school if isinstance(school, int) else school.pk
    types = list(AttendanceType.objects.filter(school_id=school_id))
    if any(t.is_standard for t in types):
        return types
    AttendanceType.objects.bulk_create(
        [
            AttendanceType(
                school_id=school_id,
                code=code,
                kind=kind,
                colour=colour,
                name=name,
                order=i,
                is_standard=True,
            )
            for i, (code, kind, colour, name) in enumerate(STANDARD_TYPES)
        ],
        ignore_conflicts=True,
    )
    return list(AttendanceType.objects.filter(school_id=school_id))


def standard_type(types: Sequence[AttendanceType], kind: str) -> AttendanceType:
    for t in types:
        if t.is_standard and t.kind == kind:
            return t
    return next(t for t in types if t.kind == kind)


def policy_for(school: School | int) -> AttendancePolicy:
    """The school's policy (defaults, unsaved, when the school has not set one)."""
    school_id = school if isinstance(school, int) else school.pk
    found = AttendancePolicy.objects.filter(school_id=school_id).first()
    return found or AttendancePolicy(school_id=school_id)
