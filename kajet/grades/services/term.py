"""Proposed and final term and annual grades, and behaviour grades."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
)
from kajet.grades.scale import (
    BEHAVIOUR_WORDS,
    MarkError,
    Policy,
    graded_descriptively,
    parse_whole_grade,
)
from kajet.grades.selectors.common import BEHAVIOUR, GRADE, course_students, school_policy
from kajet.grades.services.marks import (
    ColumnInvalid,
    GradeConflict,
    GradeError,
    _notify_new_grades,
    _school,
    _update_versioned,
)
from kajet.school.models import Course, SchoolClass, Student, Term
from kajet.school.register_lock import year_change_problem


@dataclass(frozen=True)
class TermGradeInput:
    """A term or annual grade typed for one student; ``version`` is the version of the
    existing grade the teacher saw (None when there was none)."""

    student_id: int
    value: str
    descriptive: str = ""
    version: int | None = None


def _is_descriptive(course: Course, policy: Policy) -> bool:
    return graded_descriptively(course.school_class.level, course.subject.name, policy)


@transaction.atomic
def term_grades_set(
    *,
    actor: User,
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
    if problem := year_change_problem(course.year_id):
        raise GradeError(problem)
    term = _term_for_kind(kind, term, course)
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
        try:
            planned = _term_row(row, students, existing, descriptive)
        except ValueError as error:
            errors[row.student_id] = str(error)
            continue
        if planned is not None:
            plan.append((row, *planned))
    if errors:
        raise ColumnInvalid(errors)
    saved: list[Grade] = []
    created: list[Grade] = []
    for row, value, desc in plan:
        current = existing.get(row.student_id)
        if current is None:
            grade = _term_grade_create(actor, course, kind, term, row.student_id, value, desc)
            created.append(grade)
            saved.append(grade)
        else:
            saved.append(_term_grade_change(actor, course, current, row, value, desc))
    _notify_new_grades(
        school_id=course.school_id,
        course=course,
        grades=created,
        student_users={pk: s.user_id for pk, s in students.items()},
    )
    return saved


def _term_for_kind(kind: str, term: Term | None, course: Course) -> Term | None:
    """The term a term grade belongs to (one of the course's year), None for an annual one."""
    if kind in Grade.TERM_KINDS:
        if term is None or term.year_id != course.year_id:
            raise GradeError(_("Choose a term of the course's school year."))
        return term
    if kind in Grade.ANNUAL_KINDS:
        return None
    raise GradeError(_("Unknown kind of grade."))


def _term_row(
    row: TermGradeInput,
    students: dict[int, Student],
    existing: dict[int, Grade],
    descriptive: bool,
) -> tuple[int | None, str] | None:
    """(value, descriptive text) to save for one row, None when the row changes nothing;
    ValueError with the message for the row when it cannot be saved."""
    if row.student_id not in students:
        raise ValueError(_("This student is not in the course."))
    value: int | None = None
    text = (row.value or "").strip()
    desc = (row.descriptive or "").strip()
    if text:
        try:
            value = parse_whole_grade(text)
        except MarkError as error:
            raise ValueError(str(error)) from None
    if descriptive and value is None and not desc and row.student_id not in existing:
        return None
    if not descriptive:
        desc = ""
    current = existing.get(row.student_id)
    if current is not None and row.version != current.version:
        raise ValueError(
            _("Changed by someone else in the meantime (now: %(now)s). Check and save again.")
            % {"now": current.text or current.descriptive[:40] or "—"}
        )
    if current is None and value is None and not desc:
        return None
    if current is not None and current.value == value and current.descriptive == desc:
        return None
    return value, desc


def _term_grade_create(
    actor: User,
    course: Course,
    kind: str,
    term: Term | None,
    student_id: int,
    value: int | None,
    desc: str,
) -> Grade:
    grade = Grade.objects.create(
        school_id=course.school_id,
        student_id=student_id,
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
    return grade


def _term_grade_change(
    actor: User,
    course: Course,
    current: Grade,
    row: TermGradeInput,
    value: int | None,
    desc: str,
) -> Grade:
    """Change or (nothing left in the row) clear an existing term grade, if nobody changed
    it since the row's version."""
    old = current.snapshot()
    # _term_row refused a row without the current version; -1 would match no row anyway.
    version = row.version if row.version is not None else -1
    try:
        if value is None and not desc:
            _update_versioned(
                current,
                version,
                deleted_at=timezone.now(),
                deleted_by=actor,
                delete_reason=_("cleared by the teacher"),
            )
            code = "grades.term_grade.deleted"
        else:
            _update_versioned(
                current,
                version,
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
    return current


@dataclass(frozen=True)
class BehaviourInput:
    student_id: int
    value: int | None
    version: int | None = None


@transaction.atomic
def behaviour_grades_set(
    *, actor: User, school_class: SchoolClass, term: Term | None, rows: Sequence[BehaviourInput]
) -> int:
    """Set the behaviour grades of a class for a term (or the year when ``term`` is None),
    all or nothing; returns how many changed."""
    if term is not None and term.year_id != school_class.year_id:
        raise GradeError(_("Choose a term of the class's school year."))
    if problem := year_change_problem(school_class.year_id):
        raise GradeError(problem)
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
