"""The calendar month's grid and agenda kept rendered in Django's cache
(docs/adr/0012-landing-pages-cache.md, addendum "the calendar month").

What the grid and the phone's agenda show is the events of the grid's weeks, the viewer's own
items (class meetings, booked consultations), which month it is, which day is today and the
language. The key carries each of them:

- the events by the key of their cache entry (``School.home_version`` with the class and
  groups, the teacher or the school; ADR 12), so every event write through the services moves
  it, with the same backstop for renames as the events' entry;
- the items by a digest of the items themselves, read per request (one query per provider,
  as before) — equal items render equal lines, so the entry is never stale and classmates'
  guardians with the same items share it;
- the month, today and the language; and ``CODE_VERSION``, a digest of the code that renders
  it, so a shared cache (Redis) never answers with the HTML of the previous deployment.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kajet.timetable.calendar_items import CalendarItem

#: The same bound as the events' entries (``caching.PAGE_CACHE_SECONDS``): the key moves with
#: every event write; this bounds a rename outside the services and unused entries.
MONTH_CACHE_SECONDS = 600


def _code_version() -> str:
    timetable = Path(__file__).resolve().parent
    templates = timetable / "templates" / "timetable"
    files = [
        timetable / "month_cache.py",
        timetable / "agenda.py",
        timetable / "calendar_items.py",
        timetable / "views" / "calendar.py",
        timetable / "templatetags" / "rooms.py",
        timetable / "rooms.py",
        *(
            templates / name
            for name in (
                "_calendar_month_body.html",
                "_event_line.html",
                "_item_line.html",
                "_date_range.html",
            )
        ),
    ]
    digest = hashlib.sha1(usedforsecurity=False)
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


CODE_VERSION = _code_version()


def items_digest(items: list[CalendarItem]) -> str:
    """A digest of everything the items show (they are plain frozen data: their ``repr``
    holds every field)."""
    return hashlib.sha1(repr(items).encode(), usedforsecurity=False).hexdigest()[:16]
