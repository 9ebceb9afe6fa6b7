"""The school's grading policy and grade categories."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, DecimalField, F, Value, When

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.core.models import School
from kajet.grades.models import (
    Grade,
    GradeCategory,
    GradingPolicy,
    policy_from_row,
)
from kajet.grades.scale import Policy, scale_marks


@transaction.atomic
def policy_update(*, actor: User, school: School, changes: dict[str, Any]) -> GradingPolicy:
    """Change the school's grading policy (created with the defaults if missing)."""
    policy, _created = GradingPolicy.objects.get_or_create(
        school=school, defaults={"valueless_marks": ["np", "bz", "+", "-"]}
    )
    old = {name: _jsonable(getattr(policy, name)) for name in changes}
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    new = {name: _jsonable(value) for name, value in changes.items()}
    if any(old.get(name) != new.get(name) for name in VALUE_FIELDS if name in changes):
        new["marks_recomputed"] = marks_recompute(school=school, policy=policy_from_row(policy))
    history_record(
        school=school,
        actor=actor,
        code="grades.policy.changed",
        object_type="grades.policy",
        object_id=policy.pk,
        old=old,
        new=new,
    )
    return policy


#: The policy fields a mark's value depends on.
VALUE_FIELDS = ("plus_value", "minus_value", "valueless_marks")


def marks_recompute(*, school: School, policy: Policy) -> int:
    """The rule for a changed policy (issue 14.11): the values of the current school year's
    marks follow the current policy — ``4+`` is worth the same in every column, so every
    average stays consistent. One UPDATE statement; returns the number of marks. Earlier
    years' marks keep their values (their registers are closed)."""
    whens = [When(text__iexact=symbol, then=Value(None)) for symbol in policy.valueless]
    whens += [When(text=mark.text, then=Value(mark.value)) for mark in scale_marks(policy)]
    return Grade.objects.filter(
        school=school,
        column__term__year__is_current=True,
        column__scale__isnull=True,  # the school's own scales have their own values
        deleted_at__isnull=True,
    ).update(
        value=Case(
            *whens, default=F("value"), output_field=DecimalField(max_digits=4, decimal_places=2)
        )
    )


@transaction.atomic
def category_save(
    *, actor: User, school: School, category: GradeCategory | None, data: dict[str, Any]
) -> GradeCategory:
    """Create (``category`` None) or change a grade category (history kept)."""
    old = None
    if category is None:
        category = GradeCategory(school=school)
        code = "grades.category.created"
    else:
        old = {name: _jsonable(getattr(category, name)) for name in data}
        code = "grades.category.changed"
    for name, value in data.items():
        setattr(category, name, value)
    category.save()
    history_record(
        school=school,
        actor=actor,
        code=code,
        object_type="grades.category",
        object_id=category.pk,
        old=old,
        new={name: _jsonable(value) for name, value in data.items()},
    )
    return category


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


#: The categories a school starts with (name, weight, counts, colour).
DEFAULT_CATEGORIES = [
    ("Sprawdzian", Decimal(3), True, "#c0392b"),
    ("Kartkówka", Decimal(2), True, "#d35400"),
    ("Odpowiedź ustna", Decimal(2), True, "#2471a3"),
    ("Praca domowa", Decimal(1), True, "#1e8449"),
    ("Aktywność", Decimal(1), True, "#7d3c98"),
    ("Informacyjna", Decimal(0), False, "#6c757d"),
]


def categories_ensure_defaults(*, school: School) -> list[GradeCategory]:
    """Give a school without categories the default set; return the school's categories."""
    existing = list(GradeCategory.objects.filter(school=school))
    if existing:
        return existing
    rows = [
        GradeCategory(
            school=school,
            name=name,
            weight=weight,
            counts_toward_average=counts,
            colour=colour,
            position=i,
        )
        for i, (name, weight, counts, colour) in enumerate(DEFAULT_CATEGORIES)
    ]
    GradeCategory.objects.bulk_create(rows)
    return rows
