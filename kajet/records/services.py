"""Writes of the records app: the certificates' achievements field."""

from __future__ import annotations

from django.db import transaction

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.records.models import CertificateNote
from kajet.school.models import SchoolClass, Student


@transaction.atomic
def certificate_notes_set(*, actor: User, school_class: SchoolClass, notes: dict[int, str]) -> int:
    """Set the achievements printed on the class's certificates (student id → text) for the
    class's year; only changed ones are written, each with history. Returns how many
    changed. Students not in the class are ignored."""
    students = {
        s.pk: s for s in Student.objects.filter(school_class=school_class, pk__in=list(notes))
    }
    existing = {
        n.student_id: n
        for n in CertificateNote.objects.filter(
            student_id__in=list(students), year_id=school_class.year_id
        )
    }
    changed = 0
    for student_id, student in students.items():
        text = notes[student_id].strip()
        note = existing.get(student_id)
        old = note.achievements if note is not None else ""
        if text == old:
            continue
        if note is None:
            note = CertificateNote(
                school_id=school_class.school_id, student=student, year_id=school_class.year_id
            )
        note.achievements = text
        note.updated_by = actor
        note.save()
        history_record(
            school=school_class.school,
            actor=actor,
            code="records.certificate.achievements",
            object_type="records.certificatenote",
            object_id=note.pk,
            old={"achievements": old, "student": student_id},
            new={"achievements": text, "student": student_id},
        )
        changed += 1
    return changed
