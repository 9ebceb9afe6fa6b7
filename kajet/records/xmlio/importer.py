"""Importing a register export (format 1) into a database that does not hold the school yet:
the school year comes back with the same ids, so every page shows the same data.

The file is validated against the schema first (streaming, without building the document);
an invalid or corrupted file changes nothing. The rows are then read element by element and
written in batches, all in one transaction: any failure rolls the whole import back.
Imported logins get no usable password (the export has none): the school office issues new
ones.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django_scopes import scopes_disabled
from lxml import etree

from kajet.core.models import School
from kajet.records.xmlio.spec import (
    BY_TAG,
    ENTITIES,
    NAMESPACE,
    SCHOOL_FIELDS,
    YEAR_FIELDS,
    Entity,
    Field,
)
from kajet.records.xmlio.xsd import schema
from kajet.school.models import SchoolYear

BATCH = 1000
_NS = f"{{{NAMESPACE}}}"


class RegisterImportError(Exception):
    """The file cannot be imported; the message says why (nothing was changed)."""


@dataclass
class ImportResult:
    school: School
    year: SchoolYear
    counts: dict[str, int] = field(default_factory=dict)


def _convert(f: Field, text: str) -> Any:
    kind = f.kind
    if kind in ("id", "ref", "int"):
        return int(text)
    if kind == "bool":
        return text in ("true", "1")
    if kind == "date":
        return datetime.date.fromisoformat(text)
    if kind == "time":
        return datetime.time.fromisoformat(text)
    if kind == "datetime":
        value = datetime.datetime.fromisoformat(text)
        return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    if kind == "decimal":
        return Decimal(text)
    return text


def _values(fields: tuple[Field, ...], element: etree._Element) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == "json":
            child = element.find(f"{_NS}{f.name}")
            values[f.attname] = None if child is None else json.loads(child.text or "null")
            continue
        text = element.get(f.name)
        values[f.attname] = None if text is None else _convert(f, text)
    return values


def validate(path: str) -> None:
    """Raise ``RegisterImportError`` unless the file is a valid register export (format 1:
    the schema fixes ``formatVersion``)."""
    try:
        with open(path, "rb") as source:
            for _event, element in etree.iterparse(source, events=("end",), schema=schema()):
                element.clear(keep_tail=True)
    except (etree.XMLSyntaxError, etree.DocumentInvalid) as error:
        raise RegisterImportError(f"The file is not a valid register export: {error}") from None
    except OSError as error:
        raise RegisterImportError(f"The file cannot be read: {error}") from None


@contextmanager
def _keep_timestamps() -> Iterator[None]:
    """Imported rows keep their own creation and change times (``auto_now`` fields would
    otherwise be set to the time of the import)."""
    changed: list[tuple[models.DateField[Any, Any], bool, bool]] = []
    for entity in ENTITIES:
        for f in entity.model._meta.concrete_fields:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                changed.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Writer:
    def __init__(self) -> None:
        self.school: School | None = None
        self.year: SchoolYear | None = None
        self.batches: dict[str, list[models.Model]] = {}
        self.counts: dict[str, int] = {}
        self.password = make_password(None)

    def school_row(self, element: etree._Element) -> None:
        values = _values(SCHOOL_FIELDS, element)
        if School.objects.filter(pk=values["id"]).exists():
            raise RegisterImportError(
                f"The database already holds a school with id {values['id']}; "
                "import into an empty database."
            )
        self.school = School.objects.create(**values)

    def year_row(self, element: etree._Element) -> None:
        assert self.school is not None  # the schema puts the school first
        self.year = SchoolYear.objects.create(school=self.school, **_values(YEAR_FIELDS, element))

    def row(self, entity: Entity, element: etree._Element) -> None:
        values = _values(entity.fields, element)
        if entity.tenant:
            assert self.school is not None
            values["school_id"] = self.school.pk
        if entity.tag == "user":
            values["password"] = self.password
            values["must_change_password"] = True
        if entity.tag == "message":
            values["body"] = ""  # message texts are not exported (docs/xml/README.md)
        batch = self.batches.setdefault(entity.tag, [])
        batch.append(entity.model(**values))
        if len(batch) >= BATCH:
            self.flush(entity)

    def flush(self, entity: Entity) -> None:
        batch = self.batches.pop(entity.tag, [])
        if batch:
            entity.model._default_manager.bulk_create(batch)
            self.counts[entity.tag] = self.counts.get(entity.tag, 0) + len(batch)


def _reset_sequences() -> None:
    """PostgreSQL: the id sequences continue after the imported ids (SQLite needs nothing)."""
    model_list: list[type[models.Model]] = [School, SchoolYear, *(e.model for e in ENTITIES)]
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _read(path: str, writer: _Writer) -> None:
    with open(path, "rb") as source:
        _read_rows(source, writer)


def _read_rows(source: Any, writer: _Writer) -> None:
    groups = {e.group: e for e in ENTITIES}
    for _event, element in etree.iterparse(source, events=("end",)):
        tag = etree.QName(element).localname
        parent = element.getparent()
        if parent is None:  # the root: done
            break
        if parent.getparent() is None:  # school, schoolYear or a group
            if tag == "school":
                writer.school_row(element)
            elif tag == "schoolYear":
                writer.year_row(element)
            else:
                writer.flush(groups[tag])
            element.clear(keep_tail=True)
            parent.remove(element)
        elif parent.getparent().getparent() is None and tag in BY_TAG:  # a row of a group
            writer.row(BY_TAG[tag], element)
            element.clear(keep_tail=True)
            parent.remove(element)


def register_import(*, path: str) -> ImportResult:
    """Recreate the school year of the export at ``path``; one transaction."""
    validate(path)
    writer = _Writer()
    try:
        with scopes_disabled(), transaction.atomic(), _keep_timestamps():
            _read(path, writer)
            _reset_sequences()
    except DatabaseError as error:
        raise RegisterImportError(
            f"The data conflicts with this database (nothing was imported): {error}"
        ) from None
    assert writer.school is not None and writer.year is not None
    return ImportResult(writer.school, writer.year, writer.counts)
