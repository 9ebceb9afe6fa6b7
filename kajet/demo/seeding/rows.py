"""Inserting many generated rows at once for the seeds (ADR 13).

The big tables of the benchmark datasets (attendance marks, grades) are built as plain tuples,
not model instances: building and preparing a Django model per row is most of the Python time
of ``bulk_create``. ``insert_rows`` sends the tuples with PostgreSQL's ``COPY … FROM STDIN``
(psycopg's ``cursor.copy()``) and, on other databases or with ``method="plain"``, through
``bulk_create`` — both give the same rows (tested in ``kajet/demo/tests/test_seeding_rows.py``).

Columns the caller does not give get the model field's default (``auto_now``/``auto_now_add``
fields: the time of the call), as ``bulk_create`` would. Ids, when asked for, are taken from
the table's sequence up front (``nextval`` for every row, one query), so rows inserted by COPY
can be referred to by later rows (a correction pointing at the grade it corrects).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from django.db import connection, models
from django.utils import timezone

Method = Literal["auto", "copy", "plain"]


def _defaults(model: type[models.Model], columns: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The concrete columns missing from ``columns`` (the primary key aside) and their values."""
    now = timezone.now()
    names: list[str] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in columns:
            continue
        names.append(field.attname)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append(now)
        else:
            values.append(field.get_default())
    return names, values


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new ids from the table's sequence (PostgreSQL only)."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    with_ids: bool = False,
    method: Method = "auto",
) -> list[int]:
    """Insert ``rows`` (values in the order of ``columns``, field attnames such as
    ``student_id``) into ``model``'s table. Returns the new ids in row order when ``with_ids``
    (otherwise an empty list)."""
    if method == "auto":
        method = "copy" if connection.vendor == "postgresql" else "plain"
    if not rows:
        return []
    if method == "plain":
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=2000)
        return [obj.pk for obj in objs] if with_ids else []

    pk = model._meta.pk
    assert pk is not None
    extra_names, extra_values = _defaults(model, columns)
    ids = reserve_ids(model, len(rows)) if with_ids else []
    names = [*columns, *extra_names] + ([pk.attname] if with_ids else [])
    fields = {f.attname: f for f in model._meta.concrete_fields}
    # JSON columns need psycopg's Jsonb wrapper; everything else adapts as it is.
    prepare = [
        i
        for i, name in enumerate(names[: len(columns) + len(extra_names)])
        if isinstance(fields[name], models.JSONField)
    ]
    tail = tuple(extra_values)
    quoted = ", ".join(connection.ops.quote_name(fields[n].column) for n in names)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for index, row in enumerate(rows):
            values = row + tail + ((ids[index],) if with_ids else ())
            if prepare:
                values = _json(values, prepare)
            copy.write_row(values)
    return ids


def insert_objects(
    model: type[models.Model], objs: Sequence[models.Model], *, method: Method = "auto"
) -> None:
    """Insert model instances a seed has built through ``insert_rows`` and give them their
    ids: every concrete field as the instance holds it (its default unless set), except
    ``auto_now``/``auto_now_add`` fields, which take the time of the call."""
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    rows = [tuple(getattr(obj, name) for name in names) for obj in objs]
    for obj, pk in zip(
        objs, insert_rows(model, names, rows, with_ids=True, method=method), strict=True
    ):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _json(values: tuple[Any, ...], positions: list[int]) -> tuple[Any, ...]:
    from psycopg.types.json import Jsonb

    out = list(values)
    for i in positions:
        if out[i] is not None:
            out[i] = Jsonb(out[i])
    return tuple(out)
