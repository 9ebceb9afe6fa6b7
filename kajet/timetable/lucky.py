"""The lucky number (szczęśliwy numerek): drawn, stored, read and cached.

One module for the whole sub-domain because the number is drawn on its first read (or by the
scheduled job the day before): the read (``lucky_number_for``, re-exported by
``kajet.timetable.selectors``) calls the draw (``lucky_number_draw``, re-exported by
``kajet.timetable.services``). It depends only on the lesson selectors (days off) and the
events selectors (the school's policy), so neither package imports the other.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Subquery
from django_scopes import scope, scopes_disabled

from kajet.core.models import School
from kajet.school.models import Student
from kajet.timetable import rules
from kajet.timetable.models import CalendarPolicy, LuckyNumber
from kajet.timetable.selectors.days import days_off
from kajet.timetable.selectors.events import calendar_policy

# --- Drawing --------------------------------------------------------------------------------


def lucky_number_draw(*, school: School | int, day: datetime.date) -> int | None:
    """The stored lucky number of ``day``, drawing it first if needed. None when ``day`` is
    not a school day or no class-list numbers are in use. Safe under concurrency: the unique
    (school, date) constraint makes a racing second insert fail, and we then read the
    winner's row (which holds the same number anyway — the draw is deterministic)."""
    school_id = school if isinstance(school, int) else school.pk
    found = LuckyNumber.objects.filter(school_id=school_id, date=day).first()
    if found is not None:
        return int(found.number)
    if not rules.is_school_day(day, days_off(school_id, day, day)):
        return None
    span = Student.objects.filter(
        school_id=school_id, left_on__isnull=True, school_class__year__is_current=True
    ).aggregate(low=Min("class_number"), high=Max("class_number"))
    if span["low"] is None:
        return None
    number = rules.draw_lucky_number(school_id, day, span["low"], span["high"])
    try:
        with transaction.atomic():
            row, _created = LuckyNumber.objects.get_or_create(
                school_id=school_id, date=day, defaults={"number": number}
            )
    except IntegrityError:
        row = LuckyNumber.objects.get(school_id=school_id, date=day)
    return int(row.number)


def lucky_numbers_predraw(*, today: datetime.date) -> int:
    """Draw the next school day's number for every school that has the lucky number on
    (the scheduled job; reading draws lazily too). Returns how many were drawn or found."""
    with scopes_disabled():
        school_ids = list(
            CalendarPolicy.objects.filter(lucky_number_enabled=True).values_list(
                "school_id", flat=True
            )
        )
    count = 0
    for school_id in school_ids:
        with scope(school=school_id):
            following = rules.next_school_day(
                today, days_off(school_id, today, today + datetime.timedelta(days=60))
            )
            if lucky_number_draw(school=school_id, day=following) is not None:
                count += 1
    return count


# --- Reading ---------------------------------------------------------------------------------


def lucky_number_for(school: School | int, day: datetime.date) -> int | None:
    """The lucky number of ``day``, or None when the school has it switched off, ``day`` is
    not a school day, or the school has no students. Drawn and stored on first read."""
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
    return calendar_policy(school_id).lucky_number_enabled and rules.is_school_day(
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
    school_id = school if isinstance(school, int) else school.pk
    off = days_off(school_id, today, today + datetime.timedelta(days=60))
    following = rules.next_school_day(today, off)
    return lucky_number_for(school_id, today), (following, lucky_number_for(school_id, following))
