"""Current grades: adding a column of marks, editing, correcting and removing a mark (with
the version check against stale saves), and recording a family's visit."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record, history_record_many
from kajet.core.models import School
from kajet.grades.mark_scales import Entry, parse_cell
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
    GradeCategory,
    GradeColumn,
    GradesVisit,
    MarkScale,
    scale_from_row,
)
from kajet.grades.scale import MarkError, Policy
from kajet.grades.selectors.common import GRADE, course_scale, course_students, school_policy
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.school.dates import term_date_problem
from kajet.school.models import Course, Guardianship, Student, Term
from kajet.school.register_lock import course_change_problem, year_change_problem


class GradeError(Exception):
    """A change that cannot be made; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ColumnInvalid(GradeError):
    """Some cells of a column are wrong; nothing was saved. ``errors``: student id → message."""

    def __init__(self, errors: dict[int, str], message: str = "") -> None:
        super().__init__(message or _("Nothing was saved: correct the marked cells."))
        self.errors = errors


class GradeConflict(GradeError):
    """Someone changed the grade since the user opened it. ``current`` is its state now."""

    def __init__(self, current: Grade | BehaviourGrade | None) -> None:
        super().__init__(
            _(
                "Someone else changed this grade in the meantime. Your change was not saved; "
                "compare it with the current grade and save again."
            )
        )
        self.current = current


def _family_user_ids(student_ids: Sequence[int]) -> dict[int, list[int]]:
    """student id → the user ids told about the student's grades (student and guardians)."""
    found: dict[int, list[int]] = {}
    rows = Guardianship.objects.filter(student_id__in=list(student_ids)).values_list(
        "student_id", "guardian_id", "student__user_id"
    )
    for student_id, guardian_id, student_user_id in rows:
        found.setdefault(student_id, [student_user_id]).append(guardian_id)
    return found


def _notify_new_grades(
    *, school_id: int, course: Course, grades: Sequence[Grade], student_users: dict[int, int]
) -> None:
    if not grades:
        return
    family = _family_user_ids([g.student_id for g in grades])
    url = reverse("grades:index")
    # One notification call per distinct title keeps it one INSERT per mark text.
    by_title: dict[str, list[int]] = {}
    for grade in grades:
        label = grade.text or _("descriptive grade")
        title = _("New grade in %(subject)s: %(mark)s") % {
            "subject": course.subject.name,
            "mark": label,
        }
        users = family.get(grade.student_id) or [student_users[grade.student_id]]
        by_title.setdefault(title, []).extend(users)
    for title, user_ids in by_title.items():
        notify(
            school=school_id, user_ids=user_ids, kind=Notification.Kind.GRADE, title=title, url=url
        )


def _notify_family_of(grade: Grade, title: str) -> None:
    """Tell the student and the guardians about a changed or deleted mark (the lock screen
    sees only "New grade"; the title with the marks stays in the app and the e-mail)."""
    users = _family_user_ids([grade.student_id]).get(grade.student_id)
    if not users:
        users = [Student.objects.only("user_id").get(pk=grade.student_id).user_id]
    notify(
        school=grade.school_id,
        user_ids=users,
        kind=Notification.Kind.GRADE,
        title=title,
        url=reverse("grades:index"),
    )


def _subject_name(grade: Grade) -> str:
    return Course.objects.select_related("subject").get(pk=grade.course_id).subject.name


@dataclass(frozen=True)
class Cell:
    """One cell of a column being entered: what was typed for a student, and a comment."""

    student_id: int
    text: str
    comment: str = ""


def _check_unlocked(course_id: int, *, reason: str = "") -> None:
    """The year's register is not archived, or this is a correction with a reason
    (kajet.school.register_lock)."""
    if problem := course_change_problem(course_id, reason=reason):
        raise GradeError(problem)


def _check_date(date: datetime.date, term: Term) -> None:
    problem = term_date_problem(
        date, term_name=term.get_number_display(), starts_on=term.starts_on, ends_on=term.ends_on
    )
    if problem:
        raise GradeError(problem)


@transaction.atomic
def column_add(
    *,
    actor: User,
    course: Course,
    term: Term,
    category: GradeCategory,
    date: datetime.date,
    description: str = "",
    weight: Decimal | None = None,
    cells: Sequence[Cell],
    policy: Policy | None = None,
    scale: MarkScale | None | bool = True,
) -> tuple[GradeColumn, list[Grade]]:
    """Add a column to a course's sheet with the marks of the whole class, all or nothing.

    The marks are read on the course's scale (``scale``: True looks it up with
    ``course_scale``; a row or None — the standard scale — is used as given) and the column
    keeps that scale. Empty cells are skipped. Every typed cell is checked first; if any is
    wrong, ColumnInvalid names each wrong cell and nothing is written. A valid column is
    one INSERT for the column, one for all marks and one for all history entries.
    """
    if term.year_id != course.year_id:
        raise GradeError(_("The term is not in the course's school year."))
    if problem := year_change_problem(course.year_id):
        raise GradeError(problem)
    if category.school_id != course.school_id:
        raise GradeError(_("Unknown category."))
    if weight is not None and weight < 0:
        raise GradeError(_("A weight cannot be negative."))
    _check_date(date, term)
    rules = policy or school_policy(course.school_id)
    chosen = course_scale(course) if scale is True else scale or None
    on_scale = scale_from_row(chosen)
    students = {s.pk: s for s in course_students(course)}
    errors: dict[int, str] = {}
    parsed: list[tuple[Cell, Entry]] = []
    for cell in cells:
        if not (cell.text or "").strip():
            if cell.comment.strip():
                errors[cell.student_id] = _("A comment needs a mark.")
            continue
        if cell.student_id not in students:
            errors[cell.student_id] = _("This student is not in the course.")
            continue
        try:
            parsed.append((cell, parse_cell(cell.text, on_scale, rules)))
        except MarkError as error:
            errors[cell.student_id] = str(error)
    if errors:
        raise ColumnInvalid(errors)
    column = GradeColumn.objects.create(
        school_id=course.school_id,
        course=course,
        term=term,
        category=category,
        description=description.strip(),
        date=date,
        weight=weight,
        scale=chosen,
        created_by=actor,
    )
    grades = [
        Grade(
            school_id=course.school_id,
            student_id=cell.student_id,
            course=course,
            term=term,
            kind=Grade.Kind.CURRENT,
            column=column,
            text=mark.text,
            value=mark.value,
            descriptive=mark.descriptive,
            comment=cell.comment.strip()[:300],
            created_by=actor,
        )
        for cell, mark in parsed
    ]
    Grade.objects.bulk_create(grades, batch_size=500)
    history_record_many(
        school=course.school,
        actor=actor,
        entries=[
            {
                "code": "grades.grade.created",
                "object_type": GRADE,
                "object_id": g.pk,
                "old": None,
                "new": g.snapshot(),
            }
            for g in grades
        ],
    )
    _notify_new_grades(
        school_id=course.school_id,
        course=course,
        grades=grades,
        student_users={pk: s.user_id for pk, s in students.items()},
    )
    return column, grades


@transaction.atomic
def column_update(
    *,
    actor: User,
    column: GradeColumn,
    category: GradeCategory,
    date: datetime.date,
    description: str,
    weight: Decimal | None,
) -> GradeColumn:
    """Change a column's category, date, description or weight (history kept)."""
    _check_unlocked(column.course_id)
    _check_date(date, column.term)
    old = {
        "category": column.category_id,
        "date": column.date.isoformat(),
        "description": column.description,
        "weight": str(column.weight) if column.weight is not None else None,
    }
    column.category = category
    column.date = date
    column.description = description.strip()
    column.weight = weight
    column.save(update_fields=["category", "date", "description", "weight", "updated_at"])
    history_record(
        school=column.course.school,
        actor=actor,
        code="grades.column.changed",
        object_type="grades.column",
        object_id=column.pk,
        old=old,
        new={
            "category": category.pk,
            "date": date.isoformat(),
            "description": column.description,
            "weight": str(weight) if weight is not None else None,
        },
    )
    return column


def _update_versioned(grade: Grade, version: int, **changes: Any) -> Grade:
    """UPDATE the grade only if it is still at ``version``; GradeConflict otherwise."""
    changes["updated_at"] = timezone.now()
    matched = Grade.objects.filter(pk=grade.pk, version=version, deleted_at__isnull=True).update(
        version=F("version") + 1, **changes
    )
    if not matched:
        raise GradeConflict(Grade.objects.select_related("created_by").filter(pk=grade.pk).first())
    for name, value in changes.items():
        setattr(grade, name, value)
    grade.version = version + 1
    return grade


def _school(obj: Any) -> School:
    # History rows need the school only by id; this avoids loading the School row.
    return School(pk=obj.school_id)


def _read_cell(grade: Grade, text: str, policy: Policy | None) -> Entry:
    """What was typed for a current mark, read on its column's scale (GradeError if wrong)."""
    rules = policy or school_policy(grade.school_id)
    column = grade.column
    scale = column.scale if column is not None else None
    try:
        return parse_cell(text, scale_from_row(scale), rules)
    except MarkError as error:
        raise GradeError(str(error)) from None


@transaction.atomic
def grade_update(
    *,
    actor: User,
    grade: Grade,
    text: str,
    comment: str,
    version: int,
    policy: Policy | None = None,
) -> Grade:
    """Change a current mark's value or comment, if nobody changed it since ``version``."""
    if grade.kind != Grade.Kind.CURRENT:
        raise GradeError(_("Only current marks are edited here."))
    _check_unlocked(grade.course_id)
    mark = _read_cell(grade, text, policy)
    old = grade.snapshot()
    old["version"] = version
    _update_versioned(
        grade,
        version,
        text=mark.text,
        value=mark.value,
        descriptive=mark.descriptive,
        comment=comment.strip(),
    )
    history_record(
        school=_school(grade),
        actor=actor,
        code="grades.grade.changed",
        object_type=GRADE,
        object_id=grade.pk,
        old=old,
        new=grade.snapshot(),
    )
    if (old["text"], old["descriptive"]) != (grade.text, grade.descriptive):  # not the comment
        _notify_family_of(
            grade,
            _("Grade changed in %(subject)s: %(old)s → %(new)s")
            % {
                "subject": _subject_name(grade),
                "old": old["text"] or _("descriptive grade"),
                "new": grade.text or _("descriptive grade"),
            },
        )
    return grade


@transaction.atomic
def grade_correct(
    *, actor: User, grade: Grade, text: str, comment: str = "", policy: Policy | None = None
) -> Grade:
    """Add a correction of a current mark: a new mark in the same column, linked to the
    original. How the two count is the school's correction rule. In an archived year a
    correction needs its reason in ``comment`` (a documented correction)."""
    if grade.kind != Grade.Kind.CURRENT or grade.column_id is None:
        raise GradeError(_("Only current marks can be corrected."))
    if grade.corrects_id is not None:
        raise GradeError(_("A correction cannot be corrected again."))
    _check_unlocked(grade.course_id, reason=comment)
    mark = _read_cell(grade, text, policy)
    if Grade.objects.filter(corrects=grade, deleted_at__isnull=True).exists():
        raise GradeError(_("This mark has already been corrected."))
    correction = Grade(
        school_id=grade.school_id,
        student_id=grade.student_id,
        course_id=grade.course_id,
        term_id=grade.term_id,
        kind=Grade.Kind.CURRENT,
        column_id=grade.column_id,
        text=mark.text,
        value=mark.value,
        descriptive=mark.descriptive,
        comment=comment.strip()[:300],
        corrects=grade,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:
        raise GradeError(_("This mark has already been corrected.")) from None
    history_record(
        school=_school(grade),
        actor=actor,
        code="grades.grade.corrected",
        object_type=GRADE,
        object_id=correction.pk,
        old=grade.snapshot(),
        new=correction.snapshot(),
    )
    course = Course.objects.select_related("subject").get(pk=grade.course_id)
    student = Student.objects.only("user_id").get(pk=grade.student_id)
    _notify_new_grades(
        school_id=grade.school_id,
        course=course,
        grades=[correction],
        student_users={student.pk: student.user_id},
    )
    return correction


@transaction.atomic
def grade_delete(*, actor: User, grade: Grade, reason: str, version: int) -> Grade:
    """Delete a grade with a reason: it disappears from the sheet and the averages but is
    kept, with its history (nothing in the register is hard-deleted)."""
    reason = reason.strip()
    if not reason:
        raise GradeError(_("Give a reason for deleting the grade."))
    _check_unlocked(grade.course_id, reason=reason)  # with its reason: a documented correction
    if Grade.objects.filter(corrects=grade, deleted_at__isnull=True).exists():
        raise GradeError(_("Delete the correction of this mark first."))
    old = grade.snapshot()
    old["version"] = version
    _update_versioned(
        grade, version, deleted_at=timezone.now(), deleted_by=actor, delete_reason=reason[:300]
    )
    history_record(
        school=_school(grade),
        actor=actor,
        code="grades.grade.deleted",
        object_type=GRADE,
        object_id=grade.pk,
        old=old,
        new={"reason": reason, "version": grade.version},
    )
    _notify_family_of(
        grade,
        _("Grade deleted in %(subject)s: %(mark)s")
        % {"subject": _subject_name(grade), "mark": old.get("text") or _("descriptive grade")},
    )
    return grade


def grades_visit_record(*, user: User, student: Student, at: datetime.datetime) -> None:
    """Remember when a family user looked at a student's grades (one UPDATE; an INSERT on
    the first visit). Not register data, so no history."""
    updated = GradesVisit.objects.filter(user=user, student=student).update(seen_at=at)
    if not updated:
        try:
            with transaction.atomic():
                GradesVisit.objects.create(
                    school_id=student.school_id, user=user, student=student, seen_at=at
                )
        except IntegrityError:  # a parallel first visit wrote it
            GradesVisit.objects.filter(user=user, student=student).update(seen_at=at)
