"""Reads of the timetable and the calendar, shaped for pages, the dashboard, attendance, the
iCal feed and the API. Stable signatures (other apps call these):

Lessons — each returns a list of ``LessonOccurrence`` sorted by (date, period number), with a
CONSTANT number of queries whatever the range or data size (plans, entries, changes, days off):

* ``lessons_for_student(student, start, end)`` — the student's class lessons and those of the
  groups they belong to.
* ``lessons_for_teacher(user, start, end)`` — lessons the user teaches, including ones they
  substitute for someone else, and their own lessons that were substituted/cancelled/moved
  (marked). The lessons a teacher really holds are ``[o for o in ... if o.is_held and
  o.teacher_id == user.pk]`` (``teacher_lessons_held_on(user, date)`` does exactly that —
  attendance takes "today's lessons" from it).
* ``lessons_for_class(school_class, start, end)`` — the whole class (all its groups).
* ``lessons_for_room(room, start, end)``.

Calendar — each returns a list of ``EventOccurrence``-ready ``Event`` rows (with ``classes``,
``course``/``subject``/``group``/``teacher``/``period`` loaded) overlapping ``start..end``:

* ``events_for_student(student, start, end)`` — school-wide, the student's class, their groups.
* ``events_for_teacher(user, start, end)`` — school-wide, classes/groups they teach or lead,
  their own absences, and everything they wrote.
* ``events_for_class(school_class, start, end)``.
* ``events_for_staff(school, start, end)`` — every event of the school (school-wide roles).
* ``days_off(school, start, end)`` — the set of whole-school days off.
* ``event_rows_for_student`` / ``event_rows_for_teacher`` — the same events as light
  ``EventRow`` rows (one query, no model objects) for short lists such as the dashboard.

Lucky number:

* ``lucky_number_for(school, date)`` → ``int | None`` (None: switched off, not a school day,
  or no students). Draws and stores it on first read (see services.lucky_number_draw).
* ``lucky_number_cached(school_id, date)`` — the same through the cache (forgotten on commit
  by the writes that can change it: ``lucky_cache_forget``).
* ``lucky_number_today_and_next(school, today)`` → (today's, (next school day, its number)).

All functions must be called inside a school scope (pages and the API open one).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import BooleanField, Case, Q, QuerySet, Subquery, Value, When

from kajet.core.history import history_for
from kajet.core.models import School
from kajet.school.models import Course, GroupMembership, SchoolClass, Student
from kajet.timetable.models import (
    CalendarPolicy,
    Event,
    LessonChange,
    LuckyNumber,
    Room,
    TimetableEntry,
    TimetablePlan,
)
from kajet.timetable.rules import dates_between

# --- Lessons --------------------------------------------------------------------------------


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


def days_off(school: School | int, start: datetime.date, end: datetime.date) -> set[datetime.date]:
    """Whole-school days off between start and end (one query)."""
    qs = Event.objects.filter(
        school_id=school if isinstance(school, int) else school.pk,
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.SCHOOL,
        starts_on__lte=end,
        ends_on__gte=start,
    ).order_by()
    found: set[datetime.date] = set()
    for a, b in qs.values_list("starts_on", "ends_on"):
        for day in dates_between(max(a, start), min(b, end)):
            found.add(day)
    return found


#: (whole-school days off, {class id: that class's own days off})
DaysOff = tuple[set[datetime.date], dict[int, set[datetime.date]]]


def days_off_with_classes(school_id: int, start: datetime.date, end: datetime.date) -> DaysOff:
    """(whole-school days off, {class id: that class's own days off}) between start and end
    — one query (a class's day off: e.g. a class trip day declared a day off)."""
    rows = (
        Event.objects.filter(
            school_id=school_id,
            kind=Event.Kind.DAY_OFF,
            scope__in=(Event.Scope.SCHOOL, Event.Scope.CLASSES),
            starts_on__lte=end,
            ends_on__gte=start,
        )
        .order_by()
        .values_list("scope", "classes", "starts_on", "ends_on")
    )
    school_off: set[datetime.date] = set()
    class_off: dict[int, set[datetime.date]] = {}
    for scope, class_id, a, b in rows:
        days = dates_between(max(a, start), min(b, end))
        if scope == Event.Scope.SCHOOL:
            school_off.update(days)
        elif class_id is not None:
            class_off.setdefault(class_id, set()).update(days)
    return school_off, class_off


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
        .annotate(
            is_own=Case(
                When(own, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by()
        .values(*_ENTRY_FIELDS, "is_own")
    )
    entry_by_id = {row["id"]: row for row in entry_rows}
    by_plan_day: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for entry in entry_by_id.values():
        if entry["is_own"]:
            by_plan_day.setdefault((entry["plan_id"], entry["weekday"]), []).append(entry)
    # A change whose lesson was written between the two reads is left for the next request.
    changes = [c for c in changes_qs.values(*_CHANGE_FIELDS) if c["entry_id"] in entry_by_id]
    change_at = {(c["entry_id"], c["date"]): c for c in changes}
    off, class_off = known_days_off or days_off_with_classes(school_id, start, end)

    result: list[LessonOccurrence] = []
    for day, plan in plan_by_day.items():
        if plan is None or day in off:
            continue
        for entry in by_plan_day.get((plan.pk, day.weekday()), []):
            if day in class_off.get(entry["course__school_class_id"], ()):
                continue
            occ = _occurrence(entry, day)
            change = change_at.pop((entry["id"], day), None)
            if change is not None:
                _apply_change(occ, change)
            result.append(occ)
    # Changes not matched to a planned lesson of ours (a lesson this teacher substitutes, a
    # lesson moved into this room), then lessons moved into the range.
    for change in change_at.values():
        day = change["date"]
        entry = entry_by_id[change["entry_id"]]
        if not start <= day <= end or day in off:
            continue
        if day in class_off.get(entry["course__school_class_id"], ()):
            continue
        plan = plan_by_day.get(day)
        if plan is None or entry["plan_id"] != plan.pk or entry["weekday"] != day.weekday():
            continue
        occ = _occurrence(entry, day)
        _apply_change(occ, change)
        result.append(occ)
    for change in changes:
        if (
            change["kind"] == LessonChange.Kind.MOVED
            and change["new_date"] is not None
            and start <= change["new_date"] <= end
            and change["new_date"] not in off
        ):
            result.append(_moved_in(change, entry_by_id[change["entry_id"]]))
    if keep is not None:
        result = [o for o in result if keep(o)]
    result.sort(key=lambda o: (o.date, o.period_number, o.class_name, o.group_name))
    return result


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
    user: Any, start: datetime.date, end: datetime.date
) -> list[LessonOccurrence]:
    """The teacher's own lessons (changes marked) plus lessons they substitute."""
    return _resolve(
        user.school_id,
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


def teacher_lessons_held_on(user: Any, day: datetime.date) -> list[LessonOccurrence]:
    """The lessons the teacher actually holds on ``day`` (their own and substitutions,
    without cancelled or moved-away ones) — attendance's "today's lessons"."""
    return [o for o in lessons_for_teacher(user, day, day) if o.is_held and o.teacher_id == user.pk]


# --- Calendar -------------------------------------------------------------------------------

_EVENT_RELATED = (
    "period",
    "course__subject",
    "course__school_class",
    "subject",
    "group",
    "teacher",
    "author",
)


def _events(school_id: int, condition: Q, start: datetime.date, end: datetime.date) -> list[Event]:
    """Events matching ``condition`` overlapping start..end (two queries: events, classes)."""
    qs: QuerySet[Event] = (
        Event.objects.filter(condition, school_id=school_id, starts_on__lte=end, ends_on__gte=start)
        .select_related(*_EVENT_RELATED)
        .prefetch_related("classes")
        .distinct()
        .order_by("starts_on", "period__number", "id")
    )
    return list(qs)


def events_for_class(
    school_class: SchoolClass, start: datetime.date, end: datetime.date
) -> list[Event]:
    """School-wide events, events for the class and for its groups."""
    return _events(
        school_class.school_id,
        Q(scope=Event.Scope.SCHOOL)
        | Q(scope=Event.Scope.CLASSES, classes=school_class.pk)
        | Q(scope=Event.Scope.GROUP, group__school_class_id=school_class.pk),
        start,
        end,
    )


def events_for_student(student: Student, start: datetime.date, end: datetime.date) -> list[Event]:
    """What a student (and their guardians) see: school-wide, their class, their groups."""
    groups = GroupMembership.objects.filter(student_id=student.pk).values("group_id")
    return _events(
        student.school_id,
        Q(scope=Event.Scope.SCHOOL)
        | Q(scope=Event.Scope.CLASSES, classes=student.school_class_id)
        | Q(scope=Event.Scope.GROUP, group_id__in=groups),
        start,
        end,
    )


@dataclass(frozen=True)
class EventRow:
    """A calendar event as a short list shows it (the dashboard, the API summary): read
    with ``.values()``, without the classes, course, author or teacher."""

    id: int
    kind: str
    scope: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    subject_name: str

    @property
    def pk(self) -> int:
        return self.id

    @property
    def is_test(self) -> bool:
        return self.kind in (Event.Kind.TEST, Event.Kind.QUIZ, Event.Kind.ASSESSMENT)

    @property
    def kind_label(self) -> str:
        return str(Event.Kind(self.kind).label)


def _event_rows(
    school_id: int,
    condition: Q,
    start: datetime.date,
    end: datetime.date,
    *,
    without_kinds: tuple[str, ...] = (),
) -> list[EventRow]:
    """Events matching ``condition`` overlapping start..end as rows (one query, two joins
    besides the condition's own)."""
    rows = (
        Event.objects.filter(condition, school_id=school_id, starts_on__lte=end, ends_on__gte=start)
        .exclude(kind__in=without_kinds)
        .values_list(
            "id",
            "kind",
            "scope",
            "title",
            "starts_on",
            "ends_on",
            "subject__name",
            "period__number",
        )
        .distinct()
        .order_by("starts_on", "period__number", "id")
    )
    return [
        EventRow(pk, kind, scope, title, a, b, subject or "")
        for pk, kind, scope, title, a, b, subject, _n in rows
    ]


def event_rows_for_student(
    student: Student, start: datetime.date, end: datetime.date, *, without_days_off: bool = False
) -> list[EventRow]:
    """``events_for_student`` as rows (the dashboard's "coming up" list)."""
    groups = GroupMembership.objects.filter(student_id=student.pk).values("group_id")
    return _event_rows(
        student.school_id,
        Q(scope=Event.Scope.SCHOOL)
        | Q(scope=Event.Scope.CLASSES, classes=student.school_class_id)
        | Q(scope=Event.Scope.GROUP, group_id__in=groups),
        start,
        end,
        without_kinds=(Event.Kind.DAY_OFF,) if without_days_off else (),
    )


def days_off_of_rows(
    rows: list[EventRow], class_id: int, start: datetime.date, end: datetime.date
) -> DaysOff:
    """The days off between start and end among a student's event rows (which hold every
    whole-school day off and every day off of the student's class ``class_id`` overlapping
    them) — what ``days_off_with_classes`` would read, without the query."""
    school_off: set[datetime.date] = set()
    class_off: set[datetime.date] = set()
    for row in rows:
        if row.kind != Event.Kind.DAY_OFF or row.starts_on > end or row.ends_on < start:
            continue
        days = dates_between(max(row.starts_on, start), min(row.ends_on, end))
        if row.scope == Event.Scope.SCHOOL:
            school_off.update(days)
        elif row.scope == Event.Scope.CLASSES:
            class_off.update(days)
    return school_off, {class_id: class_off}


def event_rows_for_teacher(user: Any, start: datetime.date, end: datetime.date) -> list[EventRow]:
    """``events_for_teacher`` as rows (the dashboard's "coming up" list)."""
    return _event_rows(user.school_id, teacher_event_condition(user.pk), start, end)


def teacher_event_condition(user_id: int) -> Q:
    taught = Course.objects.filter(teacher_id=user_id, year__is_current=True)
    led = SchoolClass.objects.filter(homeroom_teacher_id=user_id, year__is_current=True)
    return (
        Q(scope=Event.Scope.SCHOOL)
        | Q(scope=Event.Scope.CLASSES, classes__in=taught.values("school_class_id"))
        | Q(scope=Event.Scope.CLASSES, classes__in=led.values("pk"))
        | Q(scope=Event.Scope.GROUP, group__school_class__in=led.values("pk"))
        | Q(scope=Event.Scope.GROUP, group_id__in=taught.values("group_id"))
        | Q(
            scope=Event.Scope.GROUP,
            group__school_class__in=taught.filter(group__isnull=True).values("school_class_id"),
        )
        | Q(scope=Event.Scope.TEACHER, teacher_id=user_id)
        | Q(author_id=user_id)
    )


def events_for_teacher(user: Any, start: datetime.date, end: datetime.date) -> list[Event]:
    """School-wide events, events of the classes/groups the teacher teaches or leads, their
    own absences and everything they wrote."""
    return _events(user.school_id, teacher_event_condition(user.pk), start, end)


def events_for_staff(school: School | int, start: datetime.date, end: datetime.date) -> list[Event]:
    """Every event of the school in the range (school-wide roles)."""
    return _events(school if isinstance(school, int) else school.pk, Q(), start, end)


def test_dates_for_classes(
    class_ids: list[int],
    *,
    kinds: list[str],
    start: datetime.date,
    end: datetime.date,
    exclude_id: int | None = None,
) -> dict[int, list[datetime.date]]:
    """Dates of the counted tests of each class (tests for the class or for one of its
    groups) between start and end — the input of ``rules.check_test_load``."""
    rows = (
        Event.objects.filter(kind__in=kinds, starts_on__gte=start, starts_on__lte=end)
        .filter(
            Q(scope=Event.Scope.CLASSES, classes__in=class_ids)
            | Q(scope=Event.Scope.GROUP, group__school_class_id__in=class_ids)
        )
        .exclude(pk=exclude_id or 0)
        .values_list("pk", "starts_on", "classes", "group__school_class_id")
    )
    found: dict[int, dict[int, datetime.date]] = {cid: {} for cid in class_ids}
    for pk, day, class_id, group_class_id in rows:
        for cid in (class_id, group_class_id):
            if cid in found:
                found[cid][pk] = day
    return {cid: sorted(days.values()) for cid, days in found.items()}


@dataclass
class EventChange:
    """One line of an event's history as its editors see it."""

    at: datetime.datetime
    actor_name: str
    code: str  # "timetable.event.added" / "timetable.event.updated"
    #: (field label, old shown, new shown); ids of classes, groups… show as "changed"
    fields: list[tuple[str, str, str]]


#: Fields of the history's event state shown with their values (the rest are ids).
_SHOWN_VALUES = ("title", "description", "starts_on", "ends_on", "kind", "scope")


def _shown(key: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if key in ("starts_on", "ends_on"):
        return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
    if key == "kind":
        return str(Event.Kind(value).label)
    if key == "scope":
        return str(Event.Scope(value).label)
    return str(value)


def event_history(event: Event) -> list[EventChange]:
    """The event's additions and edits, oldest first, with what each edit changed (one
    query). Its removal is kept in the same history but the page is gone by then."""
    lines = []
    for entry in history_for(object_type="event", object_id=event.pk):
        fields: list[tuple[str, str, str]] = []
        if entry.code == "timetable.event.updated":
            old, new = entry.old or {}, entry.new or {}
            for key in old:
                if key not in new or old[key] == new[key]:
                    continue
                label = str(getattr(Event._meta.get_field(key), "verbose_name", key))
                if key in _SHOWN_VALUES:
                    fields.append((label, _shown(key, old[key]), _shown(key, new[key])))
                else:
                    fields.append((label, "", ""))
        actor = entry.actor.full_name if entry.actor is not None else ""
        lines.append(EventChange(entry.at, actor, entry.code, fields))
    return lines


# --- Policy and lucky number ----------------------------------------------------------------


def calendar_policy(school: School | int) -> CalendarPolicy:
    """The school's calendar policy (an unsaved default when the school has none)."""
    school_id = school if isinstance(school, int) else school.pk
    found = CalendarPolicy.objects.filter(school_id=school_id).first()
    return found or CalendarPolicy(school_id=school_id)


def lucky_number_for(school: School | int, day: datetime.date) -> int | None:
    """The lucky number of ``day``, or None when the school has it switched off, ``day`` is
    not a school day, or the school has no students. Drawn and stored on first read."""
    from kajet.timetable.services import lucky_number_draw

    school_id = school if isinstance(school, int) else school.pk
    # One query in the usual case (the switch and the number already drawn, e.g. by the
    # scheduled job the day before); drawing is the rare path.
    stored = LuckyNumber.objects.filter(school_id=school_id, date=day).values("number")[:1]
    found = (
        CalendarPolicy.objects.filter(school_id=school_id)
        .annotate(number=Subquery(stored))
        .values_list("lucky_number_enabled", "number")
        .first()
    )
    if found is None or not found[0]:
        return None
    if found[1] is not None:
        return int(found[1])
    return lucky_number_draw(school=school_id, day=day)


#: A drawn number never changes; what can change today's answer (the school's switch, a day
#: off added or removed while no number is drawn yet) forgets the cached one on commit
#: (``lucky_cache_forget``). The day bounds the entry anyway.
LUCKY_CACHE_SECONDS = 24 * 3600


def _lucky_key(school_id: int, day: datetime.date) -> str:
    return f"kajet:timetable:lucky:{school_id}:{day.isoformat()}"


def lucky_number_cached(school_id: int, day: datetime.date) -> int | None:
    """``lucky_number_for`` through the cache: the busiest page of the day (the dashboard)
    asks the database once per school and day."""
    key = _lucky_key(school_id, day)
    cached = cache.get(key)
    if cached is not None:
        return None if cached == -1 else int(cached)
    number = lucky_number_for(school_id, day)
    if number is None and _lucky_may_come(school_id, day):
        return None  # a school day without students yet: a later read may draw it
    cache.set(key, -1 if number is None else number, LUCKY_CACHE_SECONDS)
    return number


def _lucky_may_come(school_id: int, day: datetime.date) -> bool:
    """No number although the school has it on and ``day`` is a school day: no class-list
    numbers yet (the rare path; the answer must not be cached)."""
    from kajet.timetable.rules import is_school_day

    return calendar_policy(school_id).lucky_number_enabled and is_school_day(
        day, days_off(school_id, day, day)
    )


def lucky_cache_forget(school_id: int, today: datetime.date) -> None:
    """Forget the cached numbers of the days a page may still ask for (yesterday for a
    request that began before midnight, today and tomorrow)."""
    cache.delete_many(
        [_lucky_key(school_id, today + datetime.timedelta(days=d)) for d in (-1, 0, 1)]
    )


def lucky_number_today_and_next(
    school: School | int, today: datetime.date
) -> tuple[int | None, tuple[datetime.date, int | None]]:
    """Today's number and (the next school day, its number): the number for the next school
    day is drawn on the school day before it, so both are known during a school day."""
    from kajet.timetable.rules import next_school_day

    school_id = school if isinstance(school, int) else school.pk
    off = days_off(school_id, today, today + datetime.timedelta(days=60))
    following = next_school_day(today, off)
    return lucky_number_for(school_id, today), (following, lucky_number_for(school_id, following))
