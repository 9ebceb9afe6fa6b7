"""Who may open a student's card and read or write the specialists' notes — decided here
and nowhere else.

The student card (the student, the guardians' contacts, grades, attendance, remarks,
excuses) is for the pedagogue, the psychologist and the principal, for every student of
their school (``kajet.school.access.students_visible_to``); each section is read through its
own app's rule as well (grades, attendance, remarks). A note is seen by its author and the
principal and changed only by its author. Helpers raise Http404 for "missing" and "not
yours" alike.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.school.access import roles_of, students_visible_to
from kajet.school.models import Student
from kajet.support.models import SupportNote

SPECIALISTS = frozenset({Role.PEDAGOGUE, Role.PSYCHOLOGIST})

PERMISSIONS: dict[str, frozenset[str]] = {
    # The student card and the class lists that lead to it.
    "support.student_card": SPECIALISTS | {Role.PRINCIPAL},
    # Writing notes of one's own work with a student (row level: one's own notes).
    "support.note_write": SPECIALISTS,
    # Reading every specialist's notes (everyone else reads only their own).
    "support.note_read_all": frozenset({Role.PRINCIPAL}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def access_student_card(user: User, student_id: int) -> Student:
    """A student whose card the user may open, with login, class and homeroom teacher;
    404 otherwise."""
    require(user, "support.student_card")
    try:
        return (
            students_visible_to(user)
            .select_related("user", "school_class__homeroom_teacher")
            .get(pk=student_id)
        )
    except Student.DoesNotExist:
        raise Http404 from None


def notes_visible_to(user: User) -> QuerySet[SupportNote]:
    """The notes the user may read: every note for the principal, one's own for a
    specialist, none for anyone else (inside the current school scope)."""
    if can(user, "support.note_read_all"):
        return SupportNote.objects.all()
    if can(user, "support.note_write"):
        return SupportNote.objects.filter(author=user)
    return SupportNote.objects.none()


def access_note(user: User, note_id: int) -> SupportNote:
    """A note the user may read, with its student and author; 404 otherwise."""
    try:
        return (
            notes_visible_to(user)
            .select_related("student__user", "student__school_class", "author")
            .get(pk=note_id)
        )
    except SupportNote.DoesNotExist:
        raise Http404 from None


def may_edit(user: User, note: SupportNote) -> bool:
    """Only the author changes a note (the principal reads, never rewrites, it)."""
    return can(user, "support.note_write") and note.author_id == user.pk


def access_note_for_edit(user: User, note_id: int) -> SupportNote:
    note = access_note(user, note_id)
    if not may_edit(user, note):
        raise Http404
    return note
