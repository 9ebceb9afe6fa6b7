"""Version counters of cached views of a school's data.

A write that changes what the home page shows to a whole class or audience (the day's
lessons and their changes, the calendar, homework, announcements) calls ``home_changed`` in
its transaction; the home page's cache keys carry ``School.home_version``, so the next visit
reads afresh. See docs/adr/0010-home-page-cache.md.
"""

from __future__ import annotations

from django.db.models import F

from kajet.core.models import School


def home_changed(school_id: int) -> None:
    """Move the school's ``home_version`` (one UPDATE, in the caller's transaction: the new
    version becomes visible together with the data it stands for)."""
    School.objects.filter(pk=school_id).update(home_version=F("home_version") + 1)
