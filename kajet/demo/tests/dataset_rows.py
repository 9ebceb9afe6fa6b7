"""A whole database as rows without ids, to compare two seeds of the same dataset (ADR 13).

Ids depend on the order rows were inserted in, which differs when schools are seeded in
parallel; what the rows say must not. So every id — a primary key, a foreign key, a history
entry's ``object_id`` — is replaced by the row it names: its table, its school (by name) and its
place among that school's rows of the table in id order (each school's rows are inserted in the
same order however many workers seed the schools). Columns that differ between any two seeds
(times of the insert, password salts) are left out; see ``VOLATILE``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps
from django.db import models
from django_scopes import scopes_disabled

from kajet.core.models import School

#: Columns whose value is not the seed's to choose: random salts and the time of the insert.
VOLATILE = {"password"}

Key = tuple[Any, ...]


def _volatile(field: models.Field[Any, Any]) -> bool:
    if field.attname in VOLATILE:
        return True
    if isinstance(field, models.DateTimeField):
        return bool(field.auto_now or field.auto_now_add or callable(field.default))
    return False


def _models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def _school_field(model: type[models.Model]) -> str | None:
    names = {f.attname for f in model._meta.concrete_fields}
    return "school_id" if "school_id" in names else None


def _keys(model_list: list[type[models.Model]]) -> dict[str, dict[Any, Key]]:
    """Each table's ids → the key naming the row without its id."""
    schools = dict(School.objects.values_list("pk", "name"))
    keys: dict[str, dict[Any, Key]] = {}
    for model in model_list:
        label = model._meta.label_lower
        if model is School:
            keys[label] = {pk: (label, name) for pk, name in schools.items()}
            continue
        school = _school_field(model)
        columns = ["pk", school] if school else ["pk"]
        seen: Counter[Any] = Counter()
        table: dict[Any, Key] = {}
        for row in model._base_manager.order_by("pk").values_list(*columns):
            owner = schools.get(row[1]) if school else None
            seen[owner] += 1
            table[row[0]] = (label, owner, seen[owner])
        keys[label] = table
    return keys


def dataset_rows() -> dict[str, Counter[Key]]:
    """Every table's rows with their ids replaced by the rows they name (see the module)."""
    with scopes_disabled():
        model_list = _models()
        keys = _keys(model_list)
        by_name = {m._meta.model_name: m._meta.label_lower for m in model_list}
        out: dict[str, Counter[Key]] = {}
        for model in model_list:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            fields = [f for f in fields if not _volatile(f)]
            names = [f.attname for f in fields]
            generic = "object_type" in names and "object_id" in names
            rows: Counter[Key] = Counter()
            for values in model._base_manager.values_list(*names):
                row = dict(zip(names, values, strict=True))
                for field in fields:
                    if isinstance(field, models.ForeignKey) and row[field.attname] is not None:
                        target = field.related_model._meta.label_lower  # type: ignore[union-attr]
                        row[field.attname] = keys[target][row[field.attname]]
                if generic and row["object_type"] in by_name and str(row["object_id"]).isdigit():
                    named = keys[by_name[row["object_type"]]]
                    row["object_id"] = named.get(int(row["object_id"]), row["object_id"])
                rows[tuple(sorted((k, repr(v)) for k, v in row.items()))] += 1
            out[model._meta.label_lower] = rows
        return out


def differences(a: dict[str, Counter[Key]], b: dict[str, Counter[Key]]) -> dict[str, int]:
    """Tables whose rows differ, with how many rows are in one and not the other."""
    found = {}
    for label in sorted(set(a) | set(b)):
        left, right = a.get(label, Counter()), b.get(label, Counter())
        if left != right:
            found[label] = sum(((left - right) + (right - left)).values())
    return found
