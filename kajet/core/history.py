"""Recording register history. Services call these inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from kajet.core.models import HistoryEntry, School


def history_record(
    *,
    school: School,
    actor: AbstractBaseUser | None,
    code: str,
    object_type: str,
    object_id: int,
    old: Any = None,
    new: Any = None,
) -> HistoryEntry:
    """Append one history entry (never updated afterwards)."""
    return HistoryEntry.objects.create(
        school=school,
        actor=actor,
        code=code,
        object_type=object_type,
        object_id=object_id,
        old=old,
        new=new,
    )


def history_record_many(
    *, school: School, actor: AbstractBaseUser | None, entries: Iterable[dict[str, Any]]
) -> int:
    """Append many entries in one INSERT; each dict has code, object_type, object_id, old, new."""
    actor_id = actor.pk if actor is not None else None
    rows = [HistoryEntry(school=school, actor_id=actor_id, **entry) for entry in entries]
    HistoryEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def history_for(*, object_type: str, object_id: int) -> list[HistoryEntry]:
    """The history of one object, oldest first, with actors loaded (one query)."""
    return list(
        HistoryEntry.objects.filter(object_type=object_type, object_id=object_id).select_related(
            "actor"
        )
    )
