"""The student card: what the pedagogue, the psychologist and the principal read about one
student, each section through its own app's access rule and selector — a fixed number of
queries whatever the number of grades, marks, remarks and notes (asserted in tests)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse

from kajet.accounts.models import User
from kajet.attendance import access as attendance_access
from kajet.attendance import selectors as attendance_selectors
from kajet.attendance.models import Excuse
from kajet.attendance.services import policy_for
from kajet.core.collation import polish_key
from kajet.core.history import history_for
from kajet.core.models import HistoryEntry
from kajet.grades import access as grades_access
from kajet.grades import selectors as grades_selectors
from kajet.remarks.selectors import RemarkList, remark_list_for_student
from kajet.school.access import students_visible_to
from kajet.school.models import Guardianship, SchoolClass, Student
from kajet.support.access import notes_visible_to
from kajet.support.models import SupportNote
from kajet.support.services import NOTE

#: How many of the newest excuses the card lists.
EXCUSES_LIMIT = 10


@dataclass
class StudentCard:
    student: Student
    guardians: list[Guardianship]
    grades: grades_selectors.StudentGrades
    attendance: attendance_selectors.StudentStatistics
    excuses: list[Excuse]
    remarks: RemarkList
    notes: list[SupportNote]


def _guardians(student: Student) -> list[Guardianship]:
    return list(
        Guardianship.objects.filter(student=student)
        .select_related("guardian")
        .order_by("guardian__last_name", "guardian__first_name", "pk")
    )


def _excuses(student: Student) -> list[Excuse]:
    return list(
        Excuse.objects.filter(student=student)
        .select_related("submitted_by", "decided_by")
        .order_by("-created_at", "-pk")[:EXCUSES_LIMIT]
    )


def notes_for_student(user: User, student: Student) -> list[SupportNote]:
    """The notes about ``student`` the user may read, newest first, with their authors."""
    return list(notes_visible_to(user).filter(student=student).select_related("author"))


def student_card(user: User, student: Student) -> StudentCard:
    """The card of a student the user may open (``access.access_student_card``). Grades and
    attendance are read only after their own apps' access helpers let the user through."""
    graded = grades_access.access_student_grades(user, student.pk)
    attendance_access.access_student_attendance(user, student.pk)
    year = attendance_selectors.current_year(student.school_id)
    terms = attendance_selectors.terms_of(year)
    rows = (
        attendance_selectors.marks_for_student(student, year.starts_on, year.ends_on)
        if year is not None
        else []
    )
    threshold = policy_for(student.school_id).threshold_percent
    grades = grades_selectors.student_grades(graded)
    grades_selectors.with_urls(grades, lambda pk: reverse("grades:mark", args=[pk]))
    return StudentCard(
        student=student,
        guardians=_guardians(student),
        grades=grades,
        attendance=attendance_selectors.student_statistics(rows, terms, threshold),
        excuses=_excuses(student),
        remarks=remark_list_for_student(user=user, student=student),
        notes=notes_for_student(user, student),
    )


def classes_for_support(school_id: int) -> list[SchoolClass]:
    """The current classes in class order (one query)."""
    return list(
        SchoolClass.objects.filter(school_id=school_id, year__is_current=True).order_by(
            "level", "name"
        )
    )


#: At most this many students answer a search.
SEARCH_LIMIT = 100


def students_for_support(user: User, *, class_id: int | None, query: str) -> list[Student]:
    """The enrolled students the user sees, of one class (class-list order) or whose names
    hold every word of ``query`` (by surname), at most ``SEARCH_LIMIT`` (one query)."""
    words = query.split()[:3]
    if class_id is None and not words:
        return []
    qs: QuerySet[Student] = students_visible_to(user).filter(left_on__isnull=True)
    if class_id is not None:
        qs = qs.filter(school_class_id=class_id)
    for word in words:
        qs = qs.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word))
    found = list(qs.select_related("user", "school_class")[:SEARCH_LIMIT])
    found.sort(
        key=lambda s: (
            (s.school_class.level, s.school_class.name, s.class_number or 0)
            if class_id is not None
            else (polish_key(s.user.last_name), polish_key(s.user.first_name), s.pk)
        )
    )
    return found


@dataclass(frozen=True)
class NoteVersion:
    """One history entry of a note as the note's page shows it."""

    entry: HistoryEntry
    date: datetime.date | None
    text: str
    old_date: datetime.date | None
    old_text: str | None


def _day(value: object) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def note_history(note: SupportNote) -> list[NoteVersion]:
    """The note's versions, oldest first, with who wrote each and when (one query)."""
    versions = []
    for entry in history_for(object_type=NOTE, object_id=note.pk):
        new, old = entry.new or {}, entry.old or None
        versions.append(
            NoteVersion(
                entry=entry,
                date=_day(new.get("date")),
                text=str(new.get("text", "")),
                old_date=_day(old.get("date")) if old else None,
                old_text=str(old.get("text", "")) if old else None,
            )
        )
    return versions
