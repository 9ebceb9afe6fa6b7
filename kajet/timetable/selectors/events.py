"""The calendar's reads: events per student, class, teacher and school, light rows
for short lists, the test dates the test-load policy counts, an event's history and the
school's calendar policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from kajet.accounts.models import User
from kajet.core.datefmt import short_date
from kajet.core.history import history_for
from kajet.core.models import School
from kajet.school.models import Course, GroupMembership, SchoolClass, Student
from kajet.timetable.models import (
    CalendarPolicy,
    Event,
)
from kajet.timetable.rules import dates_between
from kajet.timetable.selectors.days import DaysOff

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


def event_rows_for_teacher(user: User, start: datetime.date, end: datetime.date) -> list[EventRow]:
    """``events_for_teacher`` as rows (the dashboard's "coming up" list)."""
    return _event_rows(user.school_pk, teacher_event_condition(user.pk), start, end)


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


def events_for_teacher(user: User, start: datetime.date, end: datetime.date) -> list[Event]:
    """School-wide events, events of the classes/groups the teacher teaches or leads, their
    own absences and everything they wrote."""
    return _events(user.school_pk, teacher_event_condition(user.pk), start, end)


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
        return short_date(datetime.date.fromisoformat(value))
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


def calendar_policy(school: School | int) -> CalendarPolicy:
    """The school's calendar policy (an unsaved default when the school has none)."""
    school_id = school if isinstance(school, int) else school.pk
    found = CalendarPolicy.objects.filter(school_id=school_id).first()
    return found or CalendarPolicy(school_id=school_id)
