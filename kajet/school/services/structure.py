"""The school structure (administrator): years, terms, periods, classes, groups, subjects,
courses, group members and the school's sign-in settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.core.models import School, TenantModel
from kajet.school.models import (
    ClassGroup,
    GroupMembership,
    SchoolYear,
    Student,
)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def structure_snapshot(obj: Model) -> dict[str, Any]:
    """The plain field values of a structure object, for its history entry."""
    return {
        f.attname: _json_value(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.name not in ("id", "school")
    }


@transaction.atomic
def structure_save(*, actor: User, obj: TenantModel, kind: str) -> TenantModel:
    """Create or change a structure object (year, term, period, class, group, subject,
    course) and record who did it. A unique-constraint violation raises IntegrityError and
    changes nothing. Making a school year current makes the others not current."""
    created = obj.pk is None
    old = None if created else structure_snapshot(type(obj).objects.get(pk=obj.pk))
    if isinstance(obj, SchoolYear) and obj.is_current:
        SchoolYear.objects.filter(school=obj.school, is_current=True).exclude(pk=obj.pk).update(
            is_current=False
        )
    obj.save()
    history_record(
        school=obj.school,
        actor=actor,
        code=f"school.{kind}.{'created' if created else 'changed'}",
        object_type=kind,
        object_id=obj.pk,
        old=old,
        new=structure_snapshot(obj),
    )
    return obj


@transaction.atomic
def group_set_members(*, actor: User, group: ClassGroup, students: Iterable[Student]) -> None:
    """Make the group's members exactly ``students`` (all of the group's class)."""
    wanted = {s.pk for s in students if s.school_class_id == group.school_class_id}
    current = set(GroupMembership.objects.filter(group=group).values_list("student_id", flat=True))
    GroupMembership.objects.filter(group=group, student_id__in=current - wanted).delete()
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(school=group.school, group=group, student_id=pk)
            for pk in wanted - current
        ]
    )
    if wanted != current:
        history_record(
            school=group.school,
            actor=actor,
            code="school.group.members_changed",
            object_type="group",
            object_id=group.pk,
            old=sorted(current),
            new=sorted(wanted),
        )


@transaction.atomic
def school_settings_update(
    *,
    actor: User,
    school: School,
    staff_idle_minutes: int,
    family_idle_minutes: int,
    require_staff_2fa: bool,
) -> School:
    """Change the school's session and sign-in policy."""
    old = {
        "staff_idle_minutes": school.staff_idle_minutes,
        "family_idle_minutes": school.family_idle_minutes,
        "require_staff_2fa": school.require_staff_2fa,
    }
    school.staff_idle_minutes = staff_idle_minutes
    school.family_idle_minutes = family_idle_minutes
    school.require_staff_2fa = require_staff_2fa
    school.save(update_fields=list(old))
    history_record(
        school=school,
        actor=actor,
        code="school.settings.changed",
        object_type="school",
        object_id=school.pk,
        old=old,
        new={k: getattr(school, k) for k in old},
    )
    return school
