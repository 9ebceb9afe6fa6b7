"""Writes of the specialists' notes: keyword-only, with history."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.school.models import Student
from kajet.support.models import SupportNote

NOTE = "support.note"
MAX_LENGTH = 5000


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the note."))
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("A note can be at most 5000 characters."))
    return text


@transaction.atomic
def support_note_add(
    *, actor: User, student: Student, date: datetime.date, text: str
) -> SupportNote:
    """A new note of ``actor`` (a pedagogue or psychologist the caller has let through
    ``access``) about ``student``, with a history entry."""
    note = SupportNote.objects.create(
        school_id=student.school_id, student=student, author=actor, date=date, text=_clean(text)
    )
    history_record(
        school=student.school,
        actor=actor,
        code="support.note.created",
        object_type=NOTE,
        object_id=note.pk,
        new=note.snapshot(),
    )
    return note


@transaction.atomic
def support_note_update(
    *, actor: User, note: SupportNote, date: datetime.date, text: str, version: int
) -> SupportNote:
    """Change a note (its author only — checked by ``access.access_note_for_edit``) if
    nobody changed it since ``version``; the previous text stays in the history."""
    text = _clean(text)
    locked = SupportNote.objects.select_for_update().get(pk=note.pk)
    if locked.version != version:
        raise ValidationError(_("The note was changed meanwhile; reload the page."))
    old = locked.snapshot()
    if old == {"date": date.isoformat(), "text": text}:
        return locked
    locked.date, locked.text, locked.version = date, text, locked.version + 1
    locked.save(update_fields=["date", "text", "version", "updated_at"])
    history_record(
        school=locked.school,
        actor=actor,
        code="support.note.changed",
        object_type=NOTE,
        object_id=locked.pk,
        old=old,
        new=locked.snapshot(),
    )
    return locked
