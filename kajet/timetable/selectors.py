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

Lucky number:

* ``lucky_number_for(school, date)`` → ``int | None`` (None: switched off, not a school day,
  or no students). Draws and stores it on first read (see services.lucky_number_draw).
* ``lucky_number_today_and_next(school, today)`` → (today's, (next school day, its number)).

All functions must be called inside a school scope (pages and the API open one).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from kajet.core.models import School
from kajet.school.models import Course, GroupMembership, SchoolClass, Student
from kajet.timetable.models import (
    CalendarPolicy,
    Event,
    LessonChange,
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


_ENTRY_RELATED = (
    "period",
    "course__subject",
    "course__teacher",
    "course__school_class",
    "course__group",
    "room",
)
_CHANGE_RELATED = (
    "new_teacher",
    "new_room",
    "new_period",
    "new_course__subject",
    "new_course__teacher",
    *(f"entry__{r}" for r in _ENTRY_RELATED),
)


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
    )
    found: set[datetime.date] = set()
    for a, b in qs.values_list("starts_on", "ends_on"):
        for day in dates_between(max(a, start), min(b, end)):
            found.add(day)
    return found


def _class_days_off(
    class_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, set[datetime.date]]:
    """Days off for some classes only (e.g. a class trip day declared a day off)."""
    rows = Event.objects.filter(
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.CLASSES,
        classes__in=class_ids,
        starts_on__lte=end,
        ends_on__gte=start,
    ).values_list("classes", "starts_on", "ends_on")
    found: dict[int, set[datetime.date]] = {}
    for class_id, a, b in rows:
        found.setdefault(class_id, set()).update(dates_between(max(a, start), min(b, end)))
    return found


def _occurrence(entry: TimetableEntry, day: datetime.date) -> LessonOccurrence:
    course = entry.course
    return LessonOccurrence(
        date=day,
        period_id=entry.period_id,
        period_number=entry.period.number,
        starts_at=entry.period.starts_at,
        ends_at=entry.period.ends_at,
        entry_id=entry.pk,
        course_id=course.pk,
        subject_id=course.subject_id,
        subject_name=course.subject.name,
        subject_short=course.subject.short_name or course.subject.name,
        teacher_id=course.teacher_id,
        teacher_name=course.teacher.full_name,
        class_id=course.school_class_id,
        class_name=course.school_class.name,
        group_id=course.group_id,
        group_name=course.group.name if course.group else "",
        room_id=entry.room_id,
        room_name=entry.room.name if entry.room else "",
    )


def _apply_change(occ: LessonOccurrence, change: LessonChange) -> None:
    occ.change_id = change.pk
    occ.change_note = change.note
    if change.kind == LessonChange.Kind.CANCELLATION:
        occ.status = "cancelled"
        return
    if change.kind == LessonChange.Kind.MOVED:
        occ.status = "moved_away"
        target_period = change.new_period.number if change.new_period else occ.period_number
        occ.moved_to = (change.new_date or occ.date, target_period)
        return
    occ.status = "substitution"
    _apply_substitution(occ, change)


def _apply_substitution(occ: LessonOccurrence, change: LessonChange) -> None:
    if change.new_course is not None:
        occ.original_subject_name = occ.subject_name
        occ.subject_id = change.new_course.subject_id
        occ.subject_name = change.new_course.subject.name
        occ.subject_short = change.new_course.subject.short_name or occ.subject_name
        if change.new_teacher is None and change.new_course.teacher_id != occ.teacher_id:
            occ.original_teacher_id = occ.teacher_id
            occ.original_teacher_name = occ.teacher_name
            occ.teacher_id = change.new_course.teacher_id
            occ.teacher_name = change.new_course.teacher.full_name
    if change.new_teacher is not None and change.new_teacher.pk != occ.teacher_id:
        occ.original_teacher_id = occ.teacher_id
        occ.original_teacher_name = occ.teacher_name
        occ.teacher_id = change.new_teacher.pk
        occ.teacher_name = change.new_teacher.full_name
    if change.new_room is not None and change.new_room.pk != occ.room_id:
        occ.original_room_name = occ.room_name
        occ.room_id = change.new_room.pk
        occ.room_name = change.new_room.name


def _moved_in(change: LessonChange) -> LessonOccurrence:
    assert change.new_date is not None
    occ = _occurrence(change.entry, change.new_date)
    if change.new_period is not None:
        occ.period_id = change.new_period.pk
        occ.period_number = change.new_period.number
        occ.starts_at = change.new_period.starts_at
        occ.ends_at = change.new_period.ends_at
    occ.status = "moved_in"
    occ.change_id = change.pk
    occ.change_note = change.note
    occ.moved_from = (change.date, change.entry.period.number)
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
) -> list[LessonOccurrence]:
    """The lessons of the entries matching ``entry_filter`` (a Q on TimetableEntry) between
    start and end. Four queries: plans, entries, changes, days off (+1 for class days off)."""
    if end < start:
        return []
    plans = _plans_for(school_id, start, end)
    if not plans:
        return []
    plan_by_day = {day: _plan_on(plans, day) for day in dates_between(start, end)}
    plan_ids = {p.pk for p in plan_by_day.values() if p is not None}
    entries = list(
        TimetableEntry.objects.filter(entry_filter, plan_id__in=plan_ids).select_related(
            *_ENTRY_RELATED
        )
    )
    by_plan_day: dict[tuple[int, int], list[TimetableEntry]] = {}
    for entry in entries:
        by_plan_day.setdefault((entry.plan_id, entry.weekday), []).append(entry)
    change_filter = Q(entry__in=TimetableEntry.objects.filter(entry_filter))
    if extra_change_filter is not None:
        change_filter |= extra_change_filter
    changes = list(
        LessonChange.objects.filter(change_filter)
        .filter(
            Q(date__gte=start, date__lte=end)
            | Q(kind=LessonChange.Kind.MOVED, new_date__gte=start, new_date__lte=end)
        )
        .select_related(*_CHANGE_RELATED)
    )
    change_at = {(c.entry_id, c.date): c for c in changes}
    off = days_off(school_id, start, end)
    class_ids = sorted(
        {e.course.school_class_id for e in entries}
        | {c.entry.course.school_class_id for c in changes}
    )
    class_off = _class_days_off(class_ids, start, end) if class_ids else {}

    result: list[LessonOccurrence] = []
    for day, plan in plan_by_day.items():
        if plan is None or day in off:
            continue
        for entry in by_plan_day.get((plan.pk, day.weekday()), []):
            if day in class_off.get(entry.course.school_class_id, ()):
                continue
            occ = _occurrence(entry, day)
            change = change_at.pop((entry.pk, day), None)
            if change is not None:
                _apply_change(occ, change)
            result.append(occ)
    # Changes not matched to a planned lesson of ours (a lesson this teacher substitutes, a
    # lesson moved into this room), then lessons moved into the range.
    for change in change_at.values():
        day = change.date
        if not start <= day <= end or day in off:
            continue
        if day in class_off.get(change.entry.course.school_class_id, ()):
            continue
        plan = plan_by_day.get(day)
        if plan is None or change.entry.plan_id != plan.pk or change.entry.weekday != day.weekday():
            continue
        occ = _occurrence(change.entry, day)
        _apply_change(occ, change)
        result.append(occ)
    for change in changes:
        if (
            change.kind == LessonChange.Kind.MOVED
            and change.new_date is not None
            and start <= change.new_date <= end
            and change.new_date not in off
        ):
            result.append(_moved_in(change))
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
    student: Student, start: datetime.date, end: datetime.date
) -> list[LessonOccurrence]:
    """The student's lessons (class and own groups) from start to end, changes applied."""
    return _resolve(student.school_id, _student_filter(student), start, end)


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

    if not calendar_policy(school).lucky_number_enabled:
        return None
    return lucky_number_draw(school=school, day=day)


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
