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

from kajet.timetable.lucky import (
    LUCKY_CACHE_SECONDS,
    lucky_cache_forget,
    lucky_number_cached,
    lucky_number_for,
    lucky_number_today_and_next,
)
from kajet.timetable.selectors.days import (
    DaysOff,
    calendar_day,
    days_off,
    days_off_with_classes,
)
from kajet.timetable.selectors.events import (
    EventChange,
    EventRow,
    calendar_policy,
    days_off_of_rows,
    event_history,
    event_rows_for_student,
    event_rows_for_teacher,
    events_for_class,
    events_for_staff,
    events_for_student,
    events_for_teacher,
    teacher_event_condition,
    test_dates_for_classes,
)
from kajet.timetable.selectors.lessons import (
    LessonOccurrence,
    lessons_for_class,
    lessons_for_room,
    lessons_for_student,
    lessons_for_teacher,
    teacher_lessons_held_on,
)

__all__ = [
    "DaysOff",
    "EventChange",
    "EventRow",
    "LUCKY_CACHE_SECONDS",
    "LessonOccurrence",
    "calendar_policy",
    "days_off",
    "days_off_of_rows",
    "calendar_day",
    "days_off_with_classes",
    "event_history",
    "event_rows_for_student",
    "event_rows_for_teacher",
    "events_for_class",
    "events_for_staff",
    "events_for_student",
    "events_for_teacher",
    "lessons_for_class",
    "lessons_for_room",
    "lessons_for_student",
    "lessons_for_teacher",
    "lucky_cache_forget",
    "lucky_number_cached",
    "lucky_number_for",
    "lucky_number_today_and_next",
    "teacher_event_condition",
    "teacher_lessons_held_on",
    "test_dates_for_classes",
]
