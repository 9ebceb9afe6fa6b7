"""The school's days off and calendar days, as the lessons and the register dates read them
(one query each)."""

from __future__ import annotations

import datetime

from django.db.models import Q

from kajet.core.models import School
from kajet.timetable.models import (
    Event,
)
from kajet.timetable.rules import dates_between


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


def calendar_day(school_id: int, class_id: int | None, day: datetime.date) -> tuple[bool, bool]:
    """(a day off, a school event or trip) on ``day`` for the whole school or the class, from
    the school calendar — one query (kajet.school.dates.lesson_day_problem reads them)."""
    rows = (
        Event.objects.filter(
            school_id=school_id,
            kind__in=(Event.Kind.DAY_OFF, Event.Kind.SCHOOL_EVENT, Event.Kind.TRIP),
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .filter(Q(scope=Event.Scope.SCHOOL) | Q(scope=Event.Scope.CLASSES, classes=class_id))
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )
    kinds = set(rows)
    return Event.Kind.DAY_OFF in kinds, bool(kinds - {Event.Kind.DAY_OFF})
