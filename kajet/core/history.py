"""Recording register history. Services call these inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kajet.core.models import HistoryEntry, School


def history_record(
    *,
    school: School,
    actor: Any,
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


def history_record_many(*, school: School, actor: Any, entries: Iterable[dict[str, Any]]) -> int:
    """Append many entries in one INSERT; each dict has code, object_type, object_id, old, new."""
    rows = [HistoryEntry(school=school, actor=actor, **entry) for entry in entries]
    HistoryEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def history_for(*, object_type: str, object_id: int) -> list[HistoryEntry]:
    """The history of one object, oldest first, with actors loaded (one query)."""
    return list(
        HistoryEntry.objects.filter(object_type=object_type, object_id=object_id).select_related(
            "actor"
        )
    )
