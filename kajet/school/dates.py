"""Which dates register entries may carry (issue 14.12) — pure rules, shown in the user's
language with the dates in the product's one style.

- A grade column's date lies within the term it is filed under.
- A lesson (and its attendance) is held within the school year, on a weekday that is not a day
  off. The documented exception: a Saturday or Sunday on which the school calendar has a
  school event or a trip for the whole school or the class (a "Saturday school event", e.g. an
  open day with lessons) — attendance may be taken then. A day off stays a day off.
"""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def _d(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def term_date_problem(
    day: datetime.date, *, term_name: str, starts_on: datetime.date, ends_on: datetime.date
) -> str | None:
    if starts_on <= day <= ends_on:
        return None
    return _("The date must be within term %(term)s (%(start)s–%(end)s).") % {
        "term": term_name,
        "start": _d(starts_on),
        "end": _d(ends_on),
    }


def lesson_day_problem(
    day: datetime.date,
    *,
    year_starts: datetime.date,
    year_ends: datetime.date,
    day_off: bool,
    school_event: bool,
) -> str | None:
    if not year_starts <= day <= year_ends:
        return _("%(day)s is outside the school year (%(start)s–%(end)s).") % {
            "day": _d(day),
            "start": _d(year_starts),
            "end": _d(year_ends),
        }
    if day_off:
        return _("%(day)s is a day off in the school calendar.") % {"day": _d(day)}
    if day.weekday() >= 5 and not school_event:
        return _(
            "%(day)s is a Saturday or Sunday. Lessons on such a day need a school event or a "
            "trip for the class in the calendar."
        ) % {"day": _d(day)}
    return None
