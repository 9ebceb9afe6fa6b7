"""The recipients' copies are written by one hand-written INSERT … SELECT
(kajet.core.bulk.insert_fan_out, ADR 4): it must store exactly what the ORM's bulk_create
stores for the same message and recipients, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scope

from kajet.messaging.models import Delivery, Message
from kajet.messaging.services import sending
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

FIELDS = (
    "school_id",
    "owner_id",
    "is_sender_copy",
    "folder",
    "is_unread",
    "first_read_at",
    "deleted_at",
    "created_at",
)


def _message(world: SchoolWorld) -> Message:
    return Message.objects.create(
        school=world.school,
        sender=world.user("principal"),
        subject="Temat",
        body="Treść",
        created_at=timezone.now(),
    )


def _rows(message: Message) -> list[tuple[Any, ...]]:
    return list(Delivery.objects.filter(message=message).order_by("owner_id").values_list(*FIELDS))


def test_fan_out_stores_what_bulk_create_stores(world: SchoolWorld) -> None:
    owners = sorted(
        world.user(role).pk for role in ("guardian", "student", "teacher", "homeroom_teacher")
    )
    with scope(school=world.school.pk):
        raw, orm = _message(world), _message(world)
        sending._insert_deliveries(raw, owners)
        Delivery.objects.bulk_create(
            Delivery(school_id=orm.school_id, message=orm, owner_id=pk, created_at=orm.created_at)
            for pk in owners
        )
        raw_rows, orm_rows = _rows(raw), _rows(orm)
    assert len(raw_rows) == len(owners)
    # The same instant stored the same way (both messages were created a moment apart).
    assert [r[:-1] for r in raw_rows] == [r[:-1] for r in orm_rows]
    assert {r[-1] for r in raw_rows} == {raw.created_at}
    assert {r[-1] for r in orm_rows} == {orm.created_at}
