"""The lessons of a week or any range: plans, entries and changes resolved into
``LessonOccurrence`` rows (a constant number of queries)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Q, Value, When

from kajet.accounts.models import User
from kajet.core.collation import polish_key
from kajet.core.models import same_school
from kajet.school.models import GroupMembership, SchoolClass, Student
from kajet.timetable.models import (
    LessonChange,
    Room,
    TimetableEntry,
    TimetablePlan,
)
from kajet.timetable.rules import dates_between
from kajet.timetable.selectors.days import DaysOff, days_off_with_classes


@dataclass
class LessonOccurrence:
    """One lesson on one date, with the day's change applied.

    ``status``: "normal", "substitution", "cancelled", "moved_away" (the lesson was moved
    from here to ``moved_to``), "moved_in" (a lesson moved here from ``moved_from``).
    ``teacher_*``, ``subject_*``, ``room_name`` are what happens on the day (the substitute,
    the new room); ``original_*`` keep the plan's values when a change replaced them.
    """

    date: datetime.date
    period_id: int
    period_number: int
    starts_at: datetime.time
    ends_at: datetime.time
    entry_id: int
    course_id: int
    subject_id: int
    subject_name: str
    subject_short: str
    teacher_id: int
    teacher_name: str
    class_id: int
    class_name: str
    group_id: int | None
    group_name: str
    room_id: int | None
    room_name: str
    status: str = "normal"
    change_id: int | None = None
    change_note: str = ""
    original_teacher_id: int | None = None
    original_teacher_name: str = ""
    original_subject_name: str = ""
    original_room_name: str = ""
    moved_to: tuple[datetime.date, int] | None = None  # (date, period number)
    moved_from: tuple[datetime.date, int] | None = None

    @property
    def is_held(self) -> bool:
        """Whether the lesson takes place at this date and period."""
        return self.status in ("normal", "substitution", "moved_in")

    @property
    def is_changed(self) -> bool:
        return self.status != "normal"

    @property
    def target_name(self) -> str:
        """ "6b" for a class lesson, "6b NIEM gr. 1" for a group's."""
        return f"{self.class_name} {self.group_name}" if self.group_name else self.class_name

    @property
    def starts(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.starts_at)

    @property
    def ends(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.ends_at)


#: The columns a lesson is built from (``.values()`` rows: no model objects, no deep joins).
_ENTRY_FIELDS = (
    "id",
    "plan_id",
    "weekday",
    "period_id",
    "period__number",
    "period__starts_at",
    "period__ends_at",
    "course_id",
    "course__subject_id",
    "course__subject__name",
    "course__subject__short_name",
    "course__teacher_id",
    "course__teacher__first_name",
    "course__teacher__last_name",
    "course__school_class_id",
    "course__school_class__name",
    "course__group_id",
    "course__group__name",
    "room_id",
    "room__name",
)


#: A change's own columns; its lesson comes from the entries read (see ``_resolve``).
_CHANGE_FIELDS = (
    "id",
    "entry_id",
    "date",
    "kind",
    "note",
    "new_date",
    "new_teacher_id",
    "new_teacher__first_name",
    "new_teacher__last_name",
    "new_room_id",
    "new_room__name",
    "new_period_id",
    "new_period__number",
    "new_period__starts_at",
    "new_period__ends_at",
    "new_course_id",
    "new_course__subject_id",
    "new_course__subject__name",
    "new_course__subject__short_name",
    "new_course__teacher_id",
    "new_course__teacher__first_name",
    "new_course__teacher__last_name",
)


def _name(first: str | None, last: str | None) -> str:
    """``User.full_name`` from a values() row."""
    return f"{first or ''} {last or ''}".strip()


def _plans_for(school_id: int, start: datetime.date, end: datetime.date) -> list[TimetablePlan]:
    """Plans possibly in force between start and end (one query)."""
    return list(
        TimetablePlan.objects.filter(
            school_id=school_id, valid_from__lte=end, year__ends_on__gte=start
        )
        .select_related("year")
        .order_by("valid_from")
    )


def _plan_on(plans: list[TimetablePlan], day: datetime.date) -> TimetablePlan | None:
    """The plan in force on ``day``: the latest of ``day``'s school year starting on or
    before it (``plans`` are sorted by valid_from)."""
    found = None
    for plan in plans:
        if plan.valid_from <= day and plan.year.starts_on <= day <= plan.year.ends_on:
            found = plan
    return found


def _occurrence(entry: dict[str, Any], day: datetime.date) -> LessonOccurrence:
    return LessonOccurrence(
        date=day,
        period_id=entry["period_id"],
        period_number=entry["period__number"],
        starts_at=entry["period__starts_at"],
        ends_at=entry["period__ends_at"],
        entry_id=entry["id"],
        course_id=entry["course_id"],
        subject_id=entry["course__subject_id"],
        subject_name=entry["course__subject__name"],
        subject_short=entry["course__subject__short_name"] or entry["course__subject__name"],
        teacher_id=entry["course__teacher_id"],
        teacher_name=_name(
            entry["course__teacher__first_name"], entry["course__teacher__last_name"]
        ),
        class_id=entry["course__school_class_id"],
        class_name=entry["course__school_class__name"],
        group_id=entry["course__group_id"],
        group_name=entry["course__group__name"] or "",
        room_id=entry["room_id"],
        room_name=entry["room__name"] or "",
    )


def _apply_change(occ: LessonOccurrence, change: dict[str, Any]) -> None:
    occ.change_id = change["id"]
    occ.change_note = change["note"]
    if change["kind"] == LessonChange.Kind.CANCELLATION:
        occ.status = "cancelled"
        return
    if change["kind"] == LessonChange.Kind.MOVED:
        occ.status = "moved_away"
        target_period = change["new_period__number"] or occ.period_number
        occ.moved_to = (change["new_date"] or occ.date, target_period)
        return
    occ.status = "substitution"
    _apply_substitution(occ, change)


def _apply_substitution(occ: LessonOccurrence, change: dict[str, Any]) -> None:
    if change["new_course_id"] is not None:
        occ.original_subject_name = occ.subject_name
        occ.subject_id = change["new_course__subject_id"]
        occ.subject_name = change["new_course__subject__name"]
        occ.subject_short = change["new_course__subject__short_name"] or occ.subject_name
        new_course_teacher = change["new_course__teacher_id"]
        if change["new_teacher_id"] is None and new_course_teacher != occ.teacher_id:
            occ.original_teacher_id = occ.teacher_id
            occ.original_teacher_name = occ.teacher_name
            occ.teacher_id = new_course_teacher
            occ.teacher_name = _name(
                change["new_course__teacher__first_name"], change["new_course__teacher__last_name"]
            )
    if change["new_teacher_id"] is not None and change["new_teacher_id"] != occ.teacher_id:
        occ.original_teacher_id = occ.teacher_id
        occ.original_teacher_name = occ.teacher_name
        occ.teacher_id = change["new_teacher_id"]
        occ.teacher_name = _name(
            change["new_teacher__first_name"], change["new_teacher__last_name"]
        )
    if change["new_room_id"] is not None and change["new_room_id"] != occ.room_id:
        occ.original_room_name = occ.room_name
        occ.room_id = change["new_room_id"]
        occ.room_name = change["new_room__name"]


def _moved_in(change: dict[str, Any], entry: dict[str, Any]) -> LessonOccurrence:
    assert change["new_date"] is not None
    occ = _occurrence(entry, change["new_date"])
    if change["new_period_id"] is not None:
        occ.period_id = change["new_period_id"]
        occ.period_number = change["new_period__number"]
        occ.starts_at = change["new_period__starts_at"]
        occ.ends_at = change["new_period__ends_at"]
    occ.status = "moved_in"
    occ.change_id = change["id"]
    occ.change_note = change["note"]
    occ.moved_from = (change["date"], entry["period__number"])
    _apply_substitution(occ, change)
    return occ


def _resolve(
    school_id: int,
    entry_filter: Q,
    start: datetime.date,
    end: datetime.date,
    *,
    extra_change_filter: Q | None = None,
    keep: Any = None,
    known_days_off: DaysOff | None = None,
) -> list[LessonOccurrence]:
    """The lessons of the entries matching ``entry_filter`` (a Q on TimetableEntry) between
    start and end. Four queries: plans, entries, changes, days off (three when the caller
    already read the days off: ``known_days_off``).

    Rows are read with ``.values()`` (building model objects was most of this function's
    cost) and no query joins more than eight tables: the entries query also reads the
    lessons the range's changes concern (a substitution in someone else's lesson, a lesson
    moved into the range), flagged ``is_own`` = "one of ours in the plan of the day", so the
    changes query needs only its own columns."""
    if end < start:
        return []
    plans = _plans_for(school_id, start, end)
    if not plans:
        return []
    plan_by_day = {day: _plan_on(plans, day) for day in dates_between(start, end)}
    entry_by_id, changes = _rows(plan_by_day, entry_filter, start, end, extra_change_filter)
    change_at = {(c["entry_id"], c["date"]): c for c in changes}
    off, class_off = known_days_off or days_off_with_classes(school_id, start, end)
    days = _Days(start, end, off, class_off)
    result = _planned(plan_by_day, entry_by_id, change_at, days)
    # Changes not matched to a planned lesson of ours (a lesson this teacher substitutes, a
    # lesson moved into this room), then lessons moved into the range.
    result += _changed_elsewhere(plan_by_day, entry_by_id, change_at.values(), days)
    result += _moved_into(entry_by_id, changes, days)
    if keep is not None:
        result = [o for o in result if keep(o)]
    result.sort(
        key=lambda o: (o.date, o.period_number, polish_key(o.class_name), polish_key(o.group_name))
    )
    return result


@dataclass(frozen=True)
class _Days:
    """The range being resolved and its days off (whole school, per class)."""

    start: datetime.date
    end: datetime.date
    off: set[datetime.date]
    class_off: dict[int, set[datetime.date]]

    def has_lessons(self, day: datetime.date, entry: dict[str, Any]) -> bool:
        return day not in self.off and day not in self.class_off.get(
            entry["course__school_class_id"], ()
        )


def _rows(
    plan_by_day: dict[datetime.date, TimetablePlan | None],
    entry_filter: Q,
    start: datetime.date,
    end: datetime.date,
    extra_change_filter: Q | None,
) -> tuple[dict[int, dict[str, Any]], list[dict[str, Any]]]:
    """(the entries by id — ours in the plans of the range and those the changes concern —,
    the range's changes of them): two queries."""
    plan_ids = {p.pk for p in plan_by_day.values() if p is not None}
    change_filter = Q(entry__in=TimetableEntry.objects.filter(entry_filter))
    if extra_change_filter is not None:
        change_filter |= extra_change_filter
    changes_qs = (
        LessonChange.objects.filter(change_filter)
        .filter(
            Q(date__gte=start, date__lte=end)
            | Q(kind=LessonChange.Kind.MOVED, new_date__gte=start, new_date__lte=end)
        )
        .order_by()
    )
    own = Q(entry_filter) & Q(plan_id__in=plan_ids)
    entry_rows = (
        TimetableEntry.objects.filter(own | Q(pk__in=changes_qs.values("entry_id")))
        # The joined structure rows of the school only (issue 17): on a city's data the
        # planner otherwise hashes every school's courses, subjects, classes and periods.
        .filter(same_school("period", "course", "course__subject", "course__school_class"))
        .annotate(
            is_own=Case(
                When(own, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by()
        .values(*_ENTRY_FIELDS, "is_own")
    )
    entry_by_id = {row["id"]: row for row in entry_rows}
    # A change whose lesson was written between the two reads is left for the next request.
    changes = [c for c in changes_qs.values(*_CHANGE_FIELDS) if c["entry_id"] in entry_by_id]
    return entry_by_id, changes


def _planned(
    plan_by_day: dict[datetime.date, TimetablePlan | None],
    entry_by_id: dict[int, dict[str, Any]],
    change_at: dict[tuple[int, datetime.date], dict[str, Any]],
    days: _Days,
) -> list[LessonOccurrence]:
    """Our lessons of each day's plan, with their change applied (taken out of
    ``change_at``, which is left with the changes of other lessons)."""
    by_plan_day: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for entry in entry_by_id.values():
        if entry["is_own"]:
            by_plan_day.setdefault((entry["plan_id"], entry["weekday"]), []).append(entry)
    result: list[LessonOccurrence] = []
    for day, plan in plan_by_day.items():
        if plan is None or day in days.off:
            continue
        for entry in by_plan_day.get((plan.pk, day.weekday()), []):
            if not days.has_lessons(day, entry):
                continue
            occ = _occurrence(entry, day)
            change = change_at.pop((entry["id"], day), None)
            if change is not None:
                _apply_change(occ, change)
            result.append(occ)
    return result


def _changed_elsewhere(
    plan_by_day: dict[datetime.date, TimetablePlan | None],
    entry_by_id: dict[int, dict[str, Any]],
    changes: Iterable[dict[str, Any]],
    days: _Days,
) -> list[LessonOccurrence]:
    """The changed lessons in the range that are not ours in the plan (a lesson this teacher
    substitutes, a lesson moved into this room)."""
    result: list[LessonOccurrence] = []
    for change in changes:
        day = change["date"]
        entry = entry_by_id[change["entry_id"]]
        if not days.start <= day <= days.end or not days.has_lessons(day, entry):
            continue
        plan = plan_by_day.get(day)
        if plan is None or entry["plan_id"] != plan.pk or entry["weekday"] != day.weekday():
            continue
        occ = _occurrence(entry, day)
        _apply_change(occ, change)
        result.append(occ)
    return result


def _moved_into(
    entry_by_id: dict[int, dict[str, Any]], changes: list[dict[str, Any]], days: _Days
) -> list[LessonOccurrence]:
    """Lessons moved to a day of the range (that is not a day off)."""
    return [
        _moved_in(change, entry_by_id[change["entry_id"]])
        for change in changes
        if change["kind"] == LessonChange.Kind.MOVED
        and change["new_date"] is not None
        and days.start <= change["new_date"] <= days.end
        and change["new_date"] not in days.off
    ]


def _student_filter(student: Student) -> Q:
    groups = GroupMembership.objects.filter(student_id=student.pk).values("group_id")
    return Q(course__school_class_id=student.school_class_id) & (
        Q(course__group__isnull=True) | Q(course__group_id__in=groups)
    )


def lessons_for_student(
    student: Student,
    start: datetime.date,
    end: datetime.date,
    *,
    known_days_off: DaysOff | None = None,
) -> list[LessonOccurrence]:
    """The student's lessons (class and own groups) from start to end, changes applied.
    ``known_days_off``: the days off the caller already read (``days_off_of_rows`` over the
    student's ``event_rows_for_student`` covering start..end), saving a query."""
    return _resolve(
        student.school_id, _student_filter(student), start, end, known_days_off=known_days_off
    )


def lessons_for_class(
    school_class: SchoolClass, start: datetime.date, end: datetime.date
) -> list[LessonOccurrence]:
    """Every lesson of the class (all its groups) from start to end, changes applied."""
    return _resolve(school_class.school_id, Q(course__school_class_id=school_class.pk), start, end)


def lessons_for_teacher(
    user: User, start: datetime.date, end: datetime.date
) -> list[LessonOccurrence]:
    """The teacher's own lessons (changes marked) plus lessons they substitute."""
    return _resolve(
        user.school_pk,
        Q(course__teacher_id=user.pk),
        start,
        end,
        extra_change_filter=Q(new_teacher_id=user.pk) | Q(new_course__teacher_id=user.pk),
        keep=lambda o: o.teacher_id == user.pk or o.original_teacher_id == user.pk,
    )


def lessons_for_room(
    room: Room, start: datetime.date, end: datetime.date
) -> list[LessonOccurrence]:
    """Lessons planned in or moved into the room."""
    return _resolve(
        room.school_id,
        Q(room_id=room.pk),
        start,
        end,
        extra_change_filter=Q(new_room_id=room.pk),
        keep=lambda o: o.room_id == room.pk or bool(o.original_room_name),
    )


def teacher_lessons_held_on(user: User, day: datetime.date) -> list[LessonOccurrence]:
    """The lessons the teacher actually holds on ``day`` (their own and substitutions,
    without cancelled or moved-away ones) — attendance's "today's lessons"."""
    return [o for o in lessons_for_teacher(user, day, day) if o.is_held and o.teacher_id == user.pk]
