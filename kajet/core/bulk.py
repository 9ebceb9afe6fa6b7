"""One-statement fan-out inserts: the same row for many ids (a notification for 1,700
guardians) as one INSERT … SELECT, with the ids sent as one array (PostgreSQL) or JSON
(SQLite) parameter, instead of dozens of batched INSERTs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection


def insert_fan_out(
    *, table: str, fixed: dict[str, Any], id_column: str, ids: Sequence[int]
) -> bool:
    """Insert one row per id with the ``fixed`` column values. Returns False when the database
    has no such statement (the caller then falls back to ``bulk_create``)."""
    if not ids:
        return True
    columns = [*fixed, id_column]
    placeholders = ", ".join(["%s"] * len(fixed))
    params: list[Any] = list(fixed.values())
    if connection.vendor == "postgresql":
        source = "unnest(%s::bigint[]) AS ids(uid)"
        uid = "ids.uid"
        params.append(list(ids))
    elif connection.vendor == "sqlite":
        source = "json_each(%s)"
        uid = "value"
        params.append(json.dumps(list(ids)))
    else:  # pragma: no cover - other databases
        return False
    sql = (
        f"INSERT INTO {connection.ops.quote_name(table)} "
        f"({', '.join(connection.ops.quote_name(c) for c in columns)}) "
        f"SELECT {placeholders}, {uid} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return True


def refresh_planner_statistics() -> None:
    """``ANALYZE`` after a bulk load (the demo and bench datasets). Without statistics the
    query planner guesses: PostgreSQL would scan whole tables until autovacuum gathers them
    minutes later, and SQLite never gathers them on its own. A running school's database has
    them, so the seeded one should too."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
