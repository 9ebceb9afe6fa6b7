"""A class's parents' council: its guardians and who sits on it."""

from __future__ import annotations

from kajet.accounts.models import User
from kajet.messaging.models import CouncilMember
from kajet.school.models import (
    Guardianship,
    SchoolClass,
)


def council_for_class(school_class: SchoolClass) -> tuple[list[tuple[User, list[str]]], set[int]]:
    """Guardians of a class (with their children's names) and the ids on its council."""
    guardians: dict[int, tuple[User, list[str]]] = {}
    for link in (
        Guardianship.objects.filter(student__school_class=school_class, student__left_on=None)
        .select_related("guardian", "student__user")
        .order_by("guardian__last_name", "guardian__first_name")
    ):
        entry = guardians.setdefault(link.guardian_id, (link.guardian, []))
        entry[1].append(link.student.user.full_name)
    members = set(
        CouncilMember.objects.filter(school_class=school_class).values_list(
            "guardian_id", flat=True
        )
    )
    return list(guardians.values()), members
