"""Writes of the school administrator's attendance settings: the attendance policy and the
school-defined attendance types (each mapped onto one of the five standard kinds).

Rules kept here: a code is unique in the school (whatever the case) and a colour is
``#rrggbb`` (the chip's text colour is computed for it, see ``colours``); the standard types
are fixed; a type that marks already use is deactivated, never deleted, and its code and
kind no longer change (the marks and their history keep meaning what they meant). Every
change is in the history. Nobody is notified: these are settings, read where they apply.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.attendance import colours, stats
from kajet.attendance.models import AttendanceMark, AttendancePolicy, AttendanceType
from kajet.attendance.services import attendance_types_for
from kajet.core.history import history_record
from kajet.core.models import School

THRESHOLD_RANGE = (0, 100)
DEADLINE_RANGE = (0, 90)
NAME_MAX = 60
CODE_MAX = 4


def _school(school_id: int) -> School:
    # History rows need the school only by id.
    return School(pk=school_id)


def _require_admin_school(actor: User, school_id: int) -> None:
    # The views already 404 anyone else; this keeps a service call from another school out.
    if actor.school_id != school_id:
        raise ValidationError(_("This setting belongs to another school."))


@transaction.atomic
def attendance_policy_update(
    *,
    actor: User,
    school: School | int,
    threshold_percent: int,
    excuse_deadline_days: int,
    adult_self_excuse: bool,
) -> AttendancePolicy:
    """Set the school's attendance policy (the row is created on the first save). Only the
    fields that change are recorded in the history; saving the same values writes nothing."""
    school_id = school if isinstance(school, int) else school.pk
    _require_admin_school(actor, school_id)
    errors: list[str] = []
    low, high = THRESHOLD_RANGE
    if not low <= threshold_percent <= high:
        errors.append(
            _("The attendance threshold must be between %(low)d%% and %(high)d%%.")
            % {"low": low, "high": high}
        )
    low, high = DEADLINE_RANGE
    if not low <= excuse_deadline_days <= high:
        errors.append(
            _("The time to excuse an absence must be between %(low)d and %(high)d days.")
            % {"low": low, "high": high}
        )
    if errors:
        raise ValidationError(errors)
    policy, _created = AttendancePolicy.objects.select_for_update().get_or_create(
        school_id=school_id
    )
    wanted = {
        "threshold_percent": threshold_percent,
        "excuse_deadline_days": excuse_deadline_days,
        "adult_self_excuse": bool(adult_self_excuse),
    }
    old = {k: getattr(policy, k) for k, v in wanted.items() if getattr(policy, k) != v}
    if not old:
        return policy
    new = {k: wanted[k] for k in old}
    for name, value in new.items():
        setattr(policy, name, value)
    policy.save(update_fields=list(new))
    history_record(
        school=_school(school_id),
        actor=actor,
        code="attendance.policy.changed",
        object_type="attendance.policy",
        object_id=policy.pk,
        old=old,
        new=new,
    )
    return policy


def _in_use(attendance_type: AttendanceType) -> bool:
    return AttendanceMark.objects.filter(type=attendance_type).exists()


def _clean(
    *, school_id: int, name: str, code: str, colour: str, kind: str, exclude_pk: int | None
) -> dict[str, str]:
    """The normalised values, or ValidationError listing every problem."""
    errors: list[str] = []
    name = (name or "").strip()
    code = (code or "").strip()
    if not name:
        errors.append(_("Enter the name of the type."))
    elif len(name) > NAME_MAX:
        errors.append(_("The name can be at most %(n)d characters.") % {"n": NAME_MAX})
    if not code:
        errors.append(_("Enter a short code."))
    elif len(code) > CODE_MAX or any(c.isspace() for c in code):
        errors.append(_("The code is at most %(n)d characters, without spaces.") % {"n": CODE_MAX})
    else:
        taken = AttendanceType.objects.filter(school_id=school_id, code__iexact=code)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            errors.append(
                _("The code “%(code)s” is already used by another type.") % {"code": code}
            )
    try:
        colour = colours.normalise(colour)
    except ValueError:
        errors.append(_("Choose a colour in the form #rrggbb, e.g. #7c3aed."))
    if kind not in stats.KINDS:
        errors.append(_("Choose which standard type it counts as."))
    if errors:
        raise ValidationError(errors)
    return {"name": name, "code": code, "colour": colour, "kind": kind}


def _state(t: AttendanceType) -> dict[str, Any]:
    return {
        "name": t.name,
        "code": t.code,
        "colour": t.colour,
        "kind": t.kind,
        "is_active": t.is_active,
    }


@transaction.atomic
def attendance_type_add(
    *, actor: User, school: School | int, name: str, code: str, colour: str, kind: str
) -> AttendanceType:
    """Add a school-defined type, counted as the standard ``kind``, after the others."""
    school_id = school if isinstance(school, int) else school.pk
    _require_admin_school(actor, school_id)
    attendance_types_for(school_id)  # the standard types exist first (and come first)
    values = _clean(
        school_id=school_id, name=name, code=code, colour=colour, kind=kind, exclude_pk=None
    )
    last = AttendanceType.objects.filter(school_id=school_id).aggregate(m=Max("order"))["m"]
    created = AttendanceType.objects.create(
        school_id=school_id, order=(last or 0) + 1, is_standard=False, **values
    )
    history_record(
        school=_school(school_id),
        actor=actor,
        code="attendance.type.created",
        object_type="attendance.type",
        object_id=created.pk,
        new=_state(created),
    )
    return created


def _locked_custom(actor: User, attendance_type: AttendanceType) -> AttendanceType:
    _require_admin_school(actor, attendance_type.school_id)
    locked = AttendanceType.objects.select_for_update().get(pk=attendance_type.pk)
    if locked.is_standard:
        raise ValidationError(_("The standard types cannot be changed."))
    return locked


@transaction.atomic
def attendance_type_update(
    *, actor: User, attendance_type: AttendanceType, name: str, code: str, colour: str, kind: str
) -> AttendanceType:
    """Change a school-defined type. Once marks use it, only its name and colour change:
    its code and kind stay (add a new type and deactivate this one instead)."""
    locked = _locked_custom(actor, attendance_type)
    values = _clean(
        school_id=locked.school_id,
        name=name,
        code=code,
        colour=colour,
        kind=kind,
        exclude_pk=locked.pk,
    )
    if (values["code"] != locked.code or values["kind"] != locked.kind) and _in_use(locked):
        raise ValidationError(
            _(
                "Marks already use this type, so its code and what it counts as cannot "
                "change. Add a new type and deactivate this one instead."
            )
        )
    old = _state(locked)
    for name_, value in values.items():
        setattr(locked, name_, value)
    new = _state(locked)
    if new == old:
        return locked
    locked.save(update_fields=list(values))
    history_record(
        school=_school(locked.school_id),
        actor=actor,
        code="attendance.type.changed",
        object_type="attendance.type",
        object_id=locked.pk,
        old={k: v for k, v in old.items() if new[k] != v},
        new={k: v for k, v in new.items() if old[k] != v},
    )
    return locked


@transaction.atomic
def attendance_type_set_active(
    *, actor: User, attendance_type: AttendanceType, active: bool
) -> AttendanceType:
    """Deactivate a school-defined type (its marks stay and still count as its kind; it is
    no longer offered for new marks) or bring it back."""
    locked = _locked_custom(actor, attendance_type)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    history_record(
        school=_school(locked.school_id),
        actor=actor,
        code="attendance.type.reactivated" if active else "attendance.type.deactivated",
        object_type="attendance.type",
        object_id=locked.pk,
        old={"is_active": not active},
        new={"is_active": active},
    )
    return locked


@transaction.atomic
def attendance_type_delete(*, actor: User, attendance_type: AttendanceType) -> None:
    """Delete a school-defined type that no mark has ever used (a typo, say). A type in use
    is refused: deactivate it instead, so no mark is lost."""
    locked = _locked_custom(actor, attendance_type)
    if _in_use(locked):
        raise ValidationError(
            _("Marks use this type, so it cannot be deleted; deactivate it instead.")
        )
    history_record(
        school=_school(locked.school_id),
        actor=actor,
        code="attendance.type.deleted",
        object_type="attendance.type",
        object_id=locked.pk,
        old=_state(locked),
    )
    locked.delete()
