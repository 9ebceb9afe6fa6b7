"""Timetable and calendar reads shared by a whole class (or a teacher) through Django's
cache, keyed by the school's ``home_version``.

The same discipline as the home page (docs/adr/0010-home-page-cache.md), for the landing
pages below it — the timetable's week and the calendar (docs/adr/0012-landing-pages-cache.md):
the timetable, calendar, homework and notice-board services move ``School.home_version`` in
their write's transaction (``kajet.core.versions.home_changed``), and every key here carries
it, so the next visit after such a write reads afresh. The version comes with the signed-in
user's school (``KajetBackend.get_user`` loads it), so checking it costs no query.

``PAGE_CACHE_SECONDS`` bounds what a write outside those services (a renamed subject, teacher
or room; a changed bell schedule) may leave on a page, as on the home page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

from kajet.accounts.models import User
from kajet.school.models import GroupMembership, Student

T = TypeVar("T")

#: The backstop for writes that do not move the version; the same bound as the home page's.
PAGE_CACHE_SECONDS = 600


def school_key(user: User, *parts: object) -> str:
    """The cache key of ``parts`` in the user's school at its current version."""
    school = user.school  # loaded with the user
    if school is None:
        raise LookupError("an operator has no school")
    return ":".join(["pages", str(school.pk), str(school.home_version), *map(str, parts)])


def school_cached(user: User, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """The value under the key of ``parts``; computed and stored when missing."""
    key = school_key(user, *parts)
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, PAGE_CACHE_SECONDS)
    return value


def student_parts(student: Student) -> tuple[str, int, str]:
    """The key parts of what a student sees the same as every classmate in the same groups:
    their class and their groups (one query). A changed membership moves the key."""
    groups = sorted(
        GroupMembership.objects.filter(student_id=student.pk).values_list("group_id", flat=True)
    )
    return ("class", student.school_class_id, ",".join(map(str, groups)))
