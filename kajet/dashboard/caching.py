"""The home page's shared parts through Django's cache, keyed by the school's version.

What a whole class (or audience) sees the same on a day — the lessons of today and tomorrow
with their changes, the week's calendar, the homework due, the current announcements — is
read once and kept in the default cache under a key carrying ``School.home_version``, which
every write of those things moves in its transaction (``kajet.core.versions.home_changed``,
called by the timetable, calendar, homework and notice-board services). The version comes
with the signed-in user's school, so checking it costs no query. What differs per viewer
(homework done, announcements read, new grades, unread messages) is read per request.

The rendered HTML of those panels is kept too (Django's ``{% cache %}`` tag in
``dashboard/home.html``), keyed by the same keys plus the language and, where a panel shows
a viewer's own flags, the flags themselves (which homework is done, which announcements are
unread): a warm page renders only the viewer's own panels (docs/adr/0014).

``HOME_CACHE_SECONDS`` bounds what a write outside those services (a subject or a teacher
renamed, a room renamed) may leave on the page. Every key carries ``CODE_VERSION``, so after
a deployment a shared cache (Redis) never answers with rows or HTML of the previous code.
See docs/adr/0010-home-page-cache.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.core.cache import cache

from kajet.accounts.models import User

T = TypeVar("T")

#: A backstop for writes that do not move the version (renames); entries are per day anyway.
HOME_CACHE_SECONDS = 600


def _code_version() -> str:
    """Changes when the code whose objects the entries hold (pickled rows) or whose
    templates render the cached panels changes."""
    kajet = Path(__file__).resolve().parent.parent
    files = [
        *sorted((kajet / "dashboard").glob("*.py")),
        *sorted((kajet / "dashboard" / "templates" / "dashboard").glob("*.html")),
        *sorted((kajet / "timetable" / "selectors").glob("*.py")),
        kajet / "timetable" / "calendar_items.py",
        kajet / "homework" / "selectors.py",
        kajet / "noticeboard" / "selectors.py",
    ]
    digest = hashlib.sha1(usedforsecurity=False)
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


CODE_VERSION = _code_version()


def home_key(user: User, *parts: object) -> str:
    school = user.school  # loaded with the user (``KajetBackend.get_user``)
    if school is None:
        raise LookupError("an operator has no school")
    head = ["home", CODE_VERSION, str(school.pk), str(school.home_version)]
    return ":".join([*head, *map(str, parts)])


def home_cached(user: User, parts: tuple[Any, ...], compute: Callable[[], T]) -> tuple[T, bool]:
    """(the value under the key of ``parts``, whether it came from the cache); computed and
    stored when missing."""
    key = home_key(user, *parts)
    found = cache.get(key)
    if found is not None:
        return found, True
    value = compute()
    cache.set(key, value, HOME_CACHE_SECONDS)
    return value, False
