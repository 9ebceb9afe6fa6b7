"""Saving a lesson with its marks: all-or-nothing, history for every change, refused when
someone else saved it since the page was loaded."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.attendance import stats
from kajet.attendance.models import (
    AttendanceMark,
    AttendanceType,
    Lesson,
)
from kajet.attendance.services.types import standard_type
from kajet.core.history import history_record_many
from kajet.notifications.absence import absence_alert_record
from kajet.school.dates import lesson_day_problem
from kajet.school.models import ClassGroup, Course, LessonPeriod, SchoolYear, Student
from kajet.school.register_lock import register_change_problem
from kajet.timetable.selectors import calendar_day


class LessonConflict(ValidationError):
    """The lesson's marks changed since the user loaded them (another teacher saved it, an
    excuse was approved): nothing was saved. ``students`` are those whose marks changed, in
    class-list order."""

    def __init__(self, students: Sequence[Student]) -> None:
        self.students = list(students)
        names = ", ".join(s.user.full_name for s in self.students)
        super().__init__(
            _(
                "Nothing was saved: the marks of %(names)s changed after you opened the "
                "lesson. The current marks are shown now; check them and save again."
            )
            % {"names": names}
        )


def changed_since_loaded(
    roster: Sequence[Student],
    current: Mapping[int, AttendanceMark],
    versions: Mapping[int, int],
    present_type_id: int,
) -> list[Student]:
    """The roster students whose marks differ from what the user loaded.

    ``versions`` holds the version of each mark as loaded (students who had no mark yet are
    left out: they showed as present). A mark whose version moved on is a change; so is a
    mark written meanwhile for a student who had none, unless it says "present" (what the
    user saw for them anyway).
    """
    changed = []
    for student in roster:
        mark = current.get(student.pk)
        seen = versions.get(student.pk)
        if seen is None:
            if mark is not None and mark.type_id != present_type_id:
                changed.append(student)
        elif mark is None or mark.version != seen:
            changed.append(student)
    return changed


def types_for_marking(
    types: Sequence[AttendanceType], in_use: Iterable[int] = ()
) -> list[AttendanceType]:
    """The types offered on a lesson's sheet: the active ones, plus any deactivated type
    still held by one of the lesson's marks (so an untouched mark keeps it)."""
    keep = set(in_use)
    return [t for t in types if t.is_active or t.pk in keep]


def lesson_save(
    *,
    actor: User,
    course: Course,
    day: datetime.date,
    period: LessonPeriod,
    topic: str,
    marks: Mapping[int, int],
    roster: Sequence[Student],
    types: Sequence[AttendanceType],
    lesson: Lesson | None = None,
    versions: Mapping[int, int] | None = None,
) -> Lesson:
    """Save a held lesson: its topic and one mark per roster student (``marks``: student id →
    type id; students left out are present). All-or-nothing: any bad value writes nothing.
    Every changed mark gets a history entry. A constant number of queries (at most 8).

    ``versions`` (student id → version of their mark as the user loaded it; students who had
    no mark left out) guards against stale edits: when any mark changed since, the whole
    save is refused with ``LessonConflict`` naming those students. Two first saves of the
    same lesson at once: the second finds the lesson the first created and is checked the
    same way.
    """
    arguments: dict[str, Any] = {
        "actor": actor,
        "course": course,
        "day": day,
        "period": period,
        "topic": topic,
        "marks": marks,
        "roster": roster,
        "types": types,
        "versions": versions or {},
    }
    try:
        return _lesson_save(lesson=lesson, **arguments)
    except IntegrityError:
        # Someone created this lesson (or its marks) after we looked: check against theirs.
        if lesson is not None:
            raise
        theirs = Lesson.objects.filter(course=course, date=day, period=period).first()
        if theirs is None:
            raise
        return _lesson_save(lesson=theirs, **arguments)


def _input_errors(
    *,
    marks: Mapping[int, int],
    roster_ids: set[int],
    type_by_id: Mapping[int, AttendanceType],
    topic: str,
    day: datetime.date,
) -> list[str]:
    errors: list[str] = []
    if set(marks) - roster_ids:
        errors.append(_("A student who is not on this lesson's list was marked."))
    if any(type_id not in type_by_id for type_id in marks.values()):
        errors.append(_("Choose one of the attendance types."))
    if len(topic) > 300:
        errors.append(_("The topic can be at most 300 characters."))
    if day > timezone.localdate():
        errors.append(_("Attendance cannot be taken for a future date."))
    return errors


def _lesson_day_problem(course: Course, day: datetime.date) -> str | None:
    """An archived year (kajet.school.register_lock), the school year, weekends and days off
    (kajet.school.dates): two queries."""
    year = SchoolYear.objects.only("name", "starts_on", "ends_on", "archived_at").get(
        pk=course.year_id
    )
    if locked := register_change_problem(year_name=year.name, archived_at=year.archived_at):
        return locked
    class_id = course.school_class_id
    if class_id is None and course.group_id is not None:
        class_id = ClassGroup.objects.values_list("school_class_id", flat=True).get(
            pk=course.group_id
        )
    day_off, school_event = calendar_day(course.school_id, class_id, day)
    return lesson_day_problem(
        day,
        year_starts=year.starts_on,
        year_ends=year.ends_on,
        day_off=day_off,
        school_event=school_event,
    )


def _existing_marks_locked(
    lesson: Lesson | None,
    roster: Sequence[Student],
    versions: Mapping[int, int],
    present: AttendanceType,
) -> dict[int, AttendanceMark]:
    """The lesson's marks, locked until the end of the transaction: a concurrent save or
    excuse approval of these marks waits, then sees the new versions (SQLite: the IMMEDIATE
    transaction already serialises writers). ``LessonConflict`` when any changed since the
    page was loaded."""
    if lesson is None:
        return {}
    existing = {
        m.student_id: m
        for m in AttendanceMark.objects.select_for_update().filter(lesson=lesson).order_by("pk")
    }
    changed = changed_since_loaded(roster, existing, versions, present.pk)
    if changed:
        raise LessonConflict(changed)
    return existing


def _refuse_retired_types(
    marks: Mapping[int, int],
    type_by_id: Mapping[int, AttendanceType],
    existing: Mapping[int, AttendanceMark],
) -> None:
    """A type no longer in use may stay on a mark that has it, not be given anew."""
    retired = sorted(
        {
            type_by_id[type_id].name
            for student_id, type_id in marks.items()
            if not type_by_id[type_id].is_active
            and (student_id not in existing or existing[student_id].type_id != type_id)
        }
    )
    if retired:
        raise ValidationError(
            _("These types are no longer in use: %(names)s.") % {"names": ", ".join(retired)}
        )


def _lesson_held(
    *,
    actor: User,
    course: Course,
    day: datetime.date,
    period: LessonPeriod,
    topic: str,
    lesson: Lesson | None,
    history: list[dict[str, Any]],
) -> Lesson:
    """The lesson, created on its first save; its topic changed when it differs."""
    if lesson is None:
        lesson = Lesson.objects.create(
            school_id=course.school_id,
            course=course,
            date=day,
            period=period,
            topic=topic,
            teacher=actor,
        )
        history.append(
            {
                "code": "attendance.lesson.created",
                "object_type": "attendance.lesson",
                "object_id": lesson.pk,
                "old": None,
                "new": {"topic": topic, "date": day.isoformat(), "period": period.number},
            }
        )
    elif lesson.topic != topic:
        history.append(
            {
                "code": "attendance.lesson.topic_changed",
                "object_type": "attendance.lesson",
                "object_id": lesson.pk,
                "old": {"topic": lesson.topic},
                "new": {"topic": topic},
            }
        )
        lesson.topic = topic
        Lesson.objects.filter(pk=lesson.pk).update(topic=topic, updated_at=timezone.now())
    return lesson


def _marks_write(
    *,
    lesson: Lesson,
    roster: Sequence[Student],
    marks: Mapping[int, int],
    type_by_id: Mapping[int, AttendanceType],
    present: AttendanceType,
    existing: Mapping[int, AttendanceMark],
    history: list[dict[str, Any]],
) -> None:
    """One mark per roster student (present unless marked otherwise): new marks in one
    INSERT, changed ones in one UPDATE, a history entry for every change."""
    new_marks: list[AttendanceMark] = []
    changed_marks: list[AttendanceMark] = []
    for student in roster:
        wanted = type_by_id.get(marks.get(student.pk, present.pk), present)
        mark = existing.get(student.pk)
        if mark is None:
            new_marks.append(
                AttendanceMark(
                    school_id=lesson.school_id, lesson=lesson, student=student, type=wanted
                )
            )
        elif mark.type_id != wanted.pk:
            old = type_by_id.get(mark.type_id)
            history.append(
                {
                    "code": "attendance.mark.changed",
                    "object_type": "attendance.mark",
                    "object_id": mark.pk,
                    "old": {"type": old.code if old else mark.type_id, "version": mark.version},
                    "new": {"type": wanted.code, "version": mark.version + 1},
                }
            )
            mark.type = wanted
            mark.version += 1
            changed_marks.append(mark)
    if new_marks:
        AttendanceMark.objects.bulk_create(new_marks)
        if existing:  # a later edit adding a student: record each new mark
            history.extend(
                {
                    "code": "attendance.mark.added",
                    "object_type": "attendance.mark",
                    "object_id": m.pk or 0,
                    "old": None,
                    "new": {"type": m.type.code, "student": m.student_id},
                }
                for m in new_marks
            )
    if changed_marks:
        AttendanceMark.objects.bulk_update(changed_marks, ["type", "version", "updated_at"])


@transaction.atomic
def _lesson_save(
    *,
    actor: User,
    course: Course,
    day: datetime.date,
    period: LessonPeriod,
    topic: str,
    marks: Mapping[int, int],
    roster: Sequence[Student],
    types: Sequence[AttendanceType],
    lesson: Lesson | None,
    versions: Mapping[int, int],
) -> Lesson:
    type_by_id = {t.pk: t for t in types}
    present = standard_type(types, stats.PRESENT)
    topic = (topic or "").strip()
    errors = _input_errors(
        marks=marks,
        roster_ids={s.pk for s in roster},
        type_by_id=type_by_id,
        topic=topic,
        day=day,
    )
    if problem := _lesson_day_problem(course, day):
        errors.append(problem)
    if errors:
        raise ValidationError(errors)
    existing = _existing_marks_locked(lesson, roster, versions, present)
    _refuse_retired_types(marks, type_by_id, existing)
    history: list[dict[str, Any]] = []
    lesson = _lesson_held(
        actor=actor,
        course=course,
        day=day,
        period=period,
        topic=topic,
        lesson=lesson,
        history=history,
    )
    _marks_write(
        lesson=lesson,
        roster=roster,
        marks=marks,
        type_by_id=type_by_id,
        present=present,
        existing=existing,
        history=history,
    )
    if history:
        history_record_many(school=course.school, actor=actor, entries=history)
    absence_alert_record(
        school_id=course.school_id,
        lesson_id=lesson.pk,
        day=day,
        period_number=period.number,
        course_id=course.pk,
        kinds={s.pk: type_by_id.get(marks.get(s.pk, present.pk), present).kind for s in roster},
    )
    return lesson
