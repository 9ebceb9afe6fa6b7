"""Soft deletion of timetable and calendar rows: the row stays with ``deleted_at`` and
``deleted_by`` (the default managers hide it), and the caller writes its history."""

from __future__ import annotations

import datetime
from typing import Any

from kajet.accounts.models import User
from kajet.timetable.models import LessonChange, SoftDeleteModel, TimetableEntry


def soft_delete(row: SoftDeleteModel, *, actor: User, at: datetime.datetime) -> None:
    """Mark ``row`` deleted by ``actor`` at ``at`` (one UPDATE of the two columns)."""
    row.deleted_at = at
    row.deleted_by = actor
    row.save(update_fields=["deleted_at", "deleted_by"])


def deletion_stamp(actor: User, at: datetime.datetime) -> dict[str, Any]:
    """What the history's ``new`` value of a removal says: when and by whom."""
    return {"deleted_at": at.isoformat(), "deleted_by": actor.pk}


def lesson_change_state(change: LessonChange) -> dict[str, Any]:
    """What the history keeps of a lesson change when it is withdrawn."""
    return {
        "entry": change.entry_id,
        "date": change.date.isoformat(),
        "kind": change.kind,
        "new_teacher": change.new_teacher_id,
        "new_course": change.new_course_id,
        "new_room": change.new_room_id,
        "new_date": change.new_date.isoformat() if change.new_date else None,
        "new_period": change.new_period_id,
        "note": change.note,
        "created_by": change.created_by_id,
    }


def timetable_entry_state(entry: TimetableEntry) -> dict[str, Any]:
    """What the history keeps of a weekly lesson of a plan."""
    return {
        "plan": entry.plan_id,
        "weekday": entry.weekday,
        "period": entry.period_id,
        "course": entry.course_id,
        "room": entry.room_id,
    }
