"""The streaming exporter: writes the register of a school year as it reads it.

Each kind of row is read with one query, ``values_list(...).iterator(chunk_size=…)`` (no model
instances, a bounded number of rows in memory), and turned into text in small batches, so the
memory an export needs does not grow with the size of the school. The only sets kept are the ids
of exported users and messages, to leave out references to rows outside the export (an operator
who changed something, a reply to last year's message).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.db.models import Min
from django.utils import timezone
from django_scopes import scope

from kajet.core.models import School
from kajet.records.xmlio.spec import (
    CHECKED_TARGETS,
    ENTITIES,
    FORMAT_VERSION,
    NAMESPACE,
    SCHOOL_FIELDS,
    YEAR_FIELDS,
    Entity,
    Field,
    Scope,
)
from kajet.school.models import SchoolYear

CHUNK_SIZE = 2000
BATCH = 500

# Characters XML 1.0 cannot carry at all (control characters other than tab and newlines).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _INVALID.sub("\ufffd", value)


def _value(field: Field, value: Any) -> str:
    if field.kind == "bool":
        return "true" if value else "false"
    if field.kind == "datetime":
        assert isinstance(value, datetime.datetime)
        return value.astimezone(datetime.UTC).isoformat()
    if field.kind in ("date", "time"):
        return str(value.isoformat())
    if field.kind == "decimal":
        assert isinstance(value, Decimal)
        return format(value, "f")
    if field.kind == "str":
        return _text(str(value))
    return str(value)


def _element(
    tag: str, fields: tuple[Field, ...], row: tuple[Any, ...], seen: dict[str, set[int]]
) -> str:
    attrs = []
    children = []
    for field, value in zip(fields, row, strict=True):
        if value is None:
            continue
        if field.kind == "ref" and field.target in seen and value not in seen[field.target]:
            continue  # points outside the export (see CHECKED_TARGETS)
        if field.kind == "json":
            text = escape(_text(json.dumps(value, ensure_ascii=False)))
            children.append(f"<{field.name}>{text}</{field.name}>")
        else:
            attrs.append(f" {field.name}={quoteattr(_value(field, value))}")
    if children:
        return f"<{tag}{''.join(attrs)}>{''.join(children)}</{tag}>"
    return f"<{tag}{''.join(attrs)}/>"


def scope_of(school: School, year: SchoolYear) -> Scope:
    """The export's scope: the year, and the instants until the next year starts."""
    with scope(school=school):
        next_start = SchoolYear.objects.filter(starts_on__gt=year.starts_on).aggregate(
            start=Min("starts_on")
        )["start"]
    return Scope(school=school, year=year, start=year.starts_on, end=next_start)


def _rows(entity: Entity, where: Scope, seen: dict[str, set[int]]) -> Iterator[str]:
    fields = entity.fields
    with scope(school=where.school):
        rows = entity.rows(where).order_by("pk").values_list(*(f.attname for f in fields))
    track = seen.get(entity.tag)
    batch: list[str] = []
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        if track is not None:
            track.add(row[0])
        batch.append(_element(entity.tag, fields, row, seen))
        if len(batch) >= BATCH:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def register_chunks(*, school: School, year: SchoolYear) -> Iterator[str]:
    """The XML document of ``year`` of ``school`` (format 1), in pieces of text."""
    where = scope_of(school, year)
    exported_at = timezone.now().astimezone(datetime.UTC).isoformat()
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<register xmlns="{NAMESPACE}" formatVersion="{FORMAT_VERSION}" '
        f'exportedAt="{exported_at}">\n'
    )
    no_refs: dict[str, set[int]] = {}
    yield _element(
        "school", SCHOOL_FIELDS, tuple(getattr(school, f.name) for f in SCHOOL_FIELDS), no_refs
    )
    yield "\n"
    yield _element(
        "schoolYear", YEAR_FIELDS, tuple(getattr(year, f.name) for f in YEAR_FIELDS), no_refs
    )
    yield "\n"
    seen: dict[str, set[int]] = {tag: set() for tag in CHECKED_TARGETS}
    for entity in ENTITIES:
        yield f"<{entity.group}>\n"
        for piece in _rows(entity, where, seen):
            yield piece
            yield "\n"
        yield f"</{entity.group}>\n"
    yield "</register>\n"


def register_bytes(*, school: School, year: SchoolYear) -> Iterator[bytes]:
    for piece in register_chunks(school=school, year=year):
        yield piece.encode()
