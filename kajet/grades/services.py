"""Writes to grades. Every service is keyword-only, runs in one transaction, records history
(who, when, old, new) and announces new grades through the one notification entry point.

Concurrency: a grade carries ``version``. Changing or deleting names the version the user
saw; the UPDATE matches only that version, so the later of two teachers gets GradeConflict
with the current state, and nothing either of them typed is lost (the page shows both).
"""

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

from kajet.core.history import history_record, history_record_many
from kajet.core.models import School
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
    GradeCategory,
    GradeColumn,
    GradesVisit,
    GradingPolicy,
    policy_from_row,
)
from kajet.grades.scale import BEHAVIOUR_WORDS, MarkError, Policy, parse_mark, parse_whole_grade
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.school.models import Course, GroupMembership, Guardianship, SchoolClass, Student, Term

GRADE = "grades.grade"
BEHAVIOUR = "grades.behaviour"


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


def school_policy(school_id: int) -> Policy:
    """The school's grading policy (defaults when it has none yet) — one query."""
    return policy_from_row(GradingPolicy.objects.filter(school_id=school_id).first())


def course_students(course: Course) -> list[Student]:
    """The enrolled students a course teaches, in class-list order (one query)."""
    qs = Student.objects.filter(left_on__isnull=True).select_related("user")
    if course.group_id is not None:
        qs = qs.filter(
            pk__in=GroupMembership.objects.filter(group_id=course.group_id).values("student_id")
        )
    else:
        qs = qs.filter(school_class_id=course.school_class_id)
    return list(qs.order_by("class_number", "id"))


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


@dataclass(frozen=True)
class Cell:
    """One cell of a column being entered: what was typed for a student, and a comment."""

    student_id: int
    text: str
    comment: str = ""


@transaction.atomic
def column_add(
    *,
    actor: Any,
    course: Course,
    term: Term,
    category: GradeCategory,
    date: datetime.date,
    description: str = "",
    weight: Decimal | None = None,
    cells: Sequence[Cell],
    policy: Policy | None = None,
) -> tuple[GradeColumn, list[Grade]]:
    """Add a column to a course's sheet with the marks of the whole class, all or nothing.

    Empty cells are skipped. Every typed cell is checked first; if any is wrong,
    ColumnInvalid names each wrong cell and nothing is written. A valid column is one
    INSERT for the column, one for all marks and one for all history entries.
    """
    if term.year_id != course.year_id:
        raise GradeError(_("The term is not in the course's school year."))
    if category.school_id != course.school_id:
        raise GradeError(_("Unknown category."))
    if weight is not None and weight < 0:
        raise GradeError(_("A weight cannot be negative."))
    rules = policy or school_policy(course.school_id)
    students = {s.pk: s for s in course_students(course)}
    errors: dict[int, str] = {}
    parsed: list[tuple[Cell, Any]] = []
    for cell in cells:
        if not (cell.text or "").strip():
            if cell.comment.strip():
                errors[cell.student_id] = _("A comment needs a mark.")
            continue
        if cell.student_id not in students:
            errors[cell.student_id] = _("This student is not in the course.")
            continue
        try:
            parsed.append((cell, parse_mark(cell.text, rules)))
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
    actor: Any,
    column: GradeColumn,
    category: GradeCategory,
    date: datetime.date,
    description: str,
    weight: Decimal | None,
) -> GradeColumn:
    """Change a column's category, date, description or weight (history kept)."""
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


@transaction.atomic
def grade_update(
    *, actor: Any, grade: Grade, text: str, comment: str, version: int, policy: Policy | None = None
) -> Grade:
    """Change a current mark's value or comment, if nobody changed it since ``version``."""
    if grade.kind != Grade.Kind.CURRENT:
        raise GradeError(_("Only current marks are edited here."))
    rules = policy or school_policy(grade.school_id)
    try:
        mark = parse_mark(text, rules)
    except MarkError as error:
        raise GradeError(str(error)) from None
    old = grade.snapshot()
    old["version"] = version
    _update_versioned(grade, version, text=mark.text, value=mark.value, comment=comment.strip())
    history_record(
        school=_school(grade),
        actor=actor,
        code="grades.grade.changed",
        object_type=GRADE,
        object_id=grade.pk,
        old=old,
        new=grade.snapshot(),
    )
    return grade


@transaction.atomic
def grade_correct(
    *, actor: Any, grade: Grade, text: str, comment: str = "", policy: Policy | None = None
) -> Grade:
    """Add a correction of a current mark: a new mark in the same column, linked to the
    original. How the two count is the school's correction rule."""
    if grade.kind != Grade.Kind.CURRENT or grade.column_id is None:
        raise GradeError(_("Only current marks can be corrected."))
    if grade.corrects_id is not None:
        raise GradeError(_("A correction cannot be corrected again."))
    rules = policy or school_policy(grade.school_id)
    try:
        mark = parse_mark(text, rules)
    except MarkError as error:
        raise GradeError(str(error)) from None
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
def grade_delete(*, actor: Any, grade: Grade, reason: str, version: int) -> Grade:
    """Delete a grade with a reason: it disappears from the sheet and the averages but is
    kept, with its history (nothing in the register is hard-deleted)."""
    reason = reason.strip()
    if not reason:
        raise GradeError(_("Give a reason for deleting the grade."))
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
    return grade


@dataclass(frozen=True)
class TermGradeInput:
    """A term or annual grade typed for one student; ``version`` is the version of the
    existing grade the teacher saw (None when there was none)."""

    student_id: int
    value: str
    descriptive: str = ""
    version: int | None = None


def _is_descriptive(course: Course, policy: Policy) -> bool:
    return course.school_class.level <= policy.descriptive_up_to_level


@transaction.atomic
def term_grades_set(
    *,
    actor: Any,
    course: Course,
    kind: str,
    term: Term | None,
    rows: Sequence[TermGradeInput],
    policy: Policy | None = None,
) -> list[Grade]:
    """Set proposed or final term (``term`` given) or annual (``term`` None) grades of a
    course's students, all or nothing.

    A grade is a whole grade 1–6 (in words on every page); classes up to the policy's level
    get a descriptive grade instead. An empty row clears an existing grade (soft delete).
    A row whose version is stale raises ColumnInvalid naming the conflict at that row.
    """
    if kind in Grade.TERM_KINDS:
        if term is None or term.year_id != course.year_id:
            raise GradeError(_("Choose a term of the course's school year."))
    elif kind in Grade.ANNUAL_KINDS:
        term = None
    else:
        raise GradeError(_("Unknown kind of grade."))
    rules = policy or school_policy(course.school_id)
    descriptive = _is_descriptive(course, rules)
    students = {s.pk: s for s in course_students(course)}
    existing = {
        g.student_id: g
        for g in Grade.objects.filter(course=course, kind=kind, term=term, deleted_at__isnull=True)
    }
    errors: dict[int, str] = {}
    plan: list[tuple[TermGradeInput, int | None, str]] = []
    for row in rows:
        if row.student_id not in students:
            errors[row.student_id] = _("This student is not in the course.")
            continue
        value: int | None = None
        text = (row.value or "").strip()
        desc = (row.descriptive or "").strip()
        if text:
            try:
                value = parse_whole_grade(text)
            except MarkError as error:
                errors[row.student_id] = str(error)
                continue
        if descriptive and value is None and not desc and row.student_id not in existing:
            continue
        if not descriptive:
            desc = ""
        current = existing.get(row.student_id)
        if current is not None and row.version != current.version:
            errors[row.student_id] = _(
                "Changed by someone else in the meantime (now: %(now)s). Check and save again."
            ) % {"now": current.text or current.descriptive[:40] or "—"}
            continue
        if current is None and value is None and not desc:
            continue
        if current is not None and current.value == value and current.descriptive == desc:
            continue
        plan.append((row, value, desc))
    if errors:
        raise ColumnInvalid(errors)
    saved: list[Grade] = []
    created: list[Grade] = []
    for row, value, desc in plan:
        current = existing.get(row.student_id)
        if current is None:
            grade = Grade.objects.create(
                school_id=course.school_id,
                student_id=row.student_id,
                course=course,
                term=term,
                kind=kind,
                text=str(value) if value is not None else "",
                value=Decimal(value) if value is not None else None,
                descriptive=desc,
                created_by=actor,
            )
            history_record(
                school=_school(course),
                actor=actor,
                code="grades.term_grade.created",
                object_type=GRADE,
                object_id=grade.pk,
                old=None,
                new=grade.snapshot(),
            )
            created.append(grade)
            saved.append(grade)
            continue
        old = current.snapshot()
        assert row.version is not None
        try:
            if value is None and not desc:
                _update_versioned(
                    current,
                    row.version,
                    deleted_at=timezone.now(),
                    deleted_by=actor,
                    delete_reason=_("cleared by the teacher"),
                )
                code = "grades.term_grade.deleted"
            else:
                _update_versioned(
                    current,
                    row.version,
                    text=str(value) if value is not None else "",
                    value=Decimal(value) if value is not None else None,
                    descriptive=desc,
                )
                code = "grades.term_grade.changed"
        except GradeConflict as conflict:
            raise ColumnInvalid({row.student_id: conflict.message}) from None
        history_record(
            school=_school(course),
            actor=actor,
            code=code,
            object_type=GRADE,
            object_id=current.pk,
            old=old,
            new=current.snapshot(),
        )
        saved.append(current)
    _notify_new_grades(
        school_id=course.school_id,
        course=course,
        grades=created,
        student_users={pk: s.user_id for pk, s in students.items()},
    )
    return saved


@dataclass(frozen=True)
class BehaviourInput:
    student_id: int
    value: int | None
    version: int | None = None


@transaction.atomic
def behaviour_grades_set(
    *, actor: Any, school_class: SchoolClass, term: Term | None, rows: Sequence[BehaviourInput]
) -> int:
    """Set the behaviour grades of a class for a term (or the year when ``term`` is None),
    all or nothing; returns how many changed."""
    if term is not None and term.year_id != school_class.year_id:
        raise GradeError(_("Choose a term of the class's school year."))
    students = set(
        Student.objects.filter(school_class=school_class, left_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    existing = {
        b.student_id: b
        for b in BehaviourGrade.objects.filter(
            student__school_class=school_class, year_id=school_class.year_id, term=term
        )
    }
    errors: dict[int, str] = {}
    for row in rows:
        if row.student_id not in students:
            errors[row.student_id] = _("This student is not in the class.")
        elif row.value is not None and row.value not in BEHAVIOUR_WORDS:
            errors[row.student_id] = _("Choose a behaviour grade.")
        else:
            current = existing.get(row.student_id)
            if current is not None and row.version != current.version:
                errors[row.student_id] = _("Changed by someone else in the meantime.")
    if errors:
        raise ColumnInvalid(errors)
    changed = 0
    for row in rows:
        current = existing.get(row.student_id)
        if row.value is None or (current is not None and current.value == row.value):
            continue
        if current is None:
            current = BehaviourGrade.objects.create(
                school_id=school_class.school_id,
                student_id=row.student_id,
                year_id=school_class.year_id,
                term=term,
                value=row.value,
                set_by=actor,
            )
            old = None
        else:
            old = {"value": current.value, "version": current.version}
            matched = BehaviourGrade.objects.filter(pk=current.pk, version=current.version).update(
                value=row.value, version=F("version") + 1, set_by=actor, updated_at=timezone.now()
            )
            if not matched:
                raise ColumnInvalid({row.student_id: _("Changed by someone else in the meantime.")})
            current.value, current.version = row.value, current.version + 1
        history_record(
            school=_school(school_class),
            actor=actor,
            code="grades.behaviour.set",
            object_type=BEHAVIOUR,
            object_id=current.pk,
            old=old,
            new={"value": current.value, "term": term.pk if term else None},
        )
        changed += 1
    return changed


def grades_visit_record(*, user: Any, student: Student, at: datetime.datetime) -> None:
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


@transaction.atomic
def policy_update(*, actor: Any, school: School, changes: dict[str, Any]) -> GradingPolicy:
    """Change the school's grading policy (created with the defaults if missing)."""
    policy, _created = GradingPolicy.objects.get_or_create(
        school=school, defaults={"valueless_marks": ["np", "bz", "+", "-"]}
    )
    old = {name: _jsonable(getattr(policy, name)) for name in changes}
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    history_record(
        school=school,
        actor=actor,
        code="grades.policy.changed",
        object_type="grades.policy",
        object_id=policy.pk,
        old=old,
        new={name: _jsonable(value) for name, value in changes.items()},
    )
    return policy


@transaction.atomic
def category_save(
    *, actor: Any, school: School, category: GradeCategory | None, data: dict[str, Any]
) -> GradeCategory:
    """Create (``category`` None) or change a grade category (history kept)."""
    old = None
    if category is None:
        category = GradeCategory(school=school)
        code = "grades.category.created"
    else:
        old = {name: _jsonable(getattr(category, name)) for name in data}
        code = "grades.category.changed"
    for name, value in data.items():
        setattr(category, name, value)
    category.save()
    history_record(
        school=school,
        actor=actor,
        code=code,
        object_type="grades.category",
        object_id=category.pk,
        old=old,
        new={name: _jsonable(value) for name, value in data.items()},
    )
    return category


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


#: The categories a school starts with (name, weight, counts, colour).
DEFAULT_CATEGORIES = [
    ("Sprawdzian", Decimal(3), True, "#c0392b"),
    ("Kartkówka", Decimal(2), True, "#d35400"),
    ("Odpowiedź ustna", Decimal(2), True, "#2471a3"),
    ("Praca domowa", Decimal(1), True, "#1e8449"),
    ("Aktywność", Decimal(1), True, "#7d3c98"),
    ("Informacyjna", Decimal(0), False, "#6c757d"),
]


def categories_ensure_defaults(*, school: School) -> list[GradeCategory]:
    """Give a school without categories the default set; return the school's categories."""
    existing = list(GradeCategory.objects.filter(school=school))
    if existing:
        return existing
    rows = [
        GradeCategory(
            school=school,
            name=name,
            weight=weight,
            counts_toward_average=counts,
            colour=colour,
            position=i,
        )
        for i, (name, weight, counts, colour) in enumerate(DEFAULT_CATEGORIES)
    ]
    GradeCategory.objects.bulk_create(rows)
    return rows
