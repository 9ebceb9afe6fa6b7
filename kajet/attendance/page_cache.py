"""The family attendance page keeps its rendered overview (the week, the statistics by
subject, the unexcused absences) in Django's cache under a digest of **the very rows it
shows** (docs/adr/0015-family-attendance-page-cache.md).

What makes the page expensive is not its SQL (the student's marks of the year: one indexed
query of plain tuples, about 0.4 ms on dataset M) but rendering them: the week's grid, a
row per subject and term, the list of absences. So the page still reads what it shows —
the same queries, the same rows — and renders only when those rows, or anything else the
overview shows, differ from a copy already rendered. The key is built from:

- the marks' rows exactly as ``selectors.marks_for_student`` returns them (date, period
  number, subject id and name, the type's code, colour, name and kind): a mark added,
  changed or excused, a lesson moved or deleted, a type renamed or recoloured, a subject
  renamed, a period renumbered changes a row, so the key;
- the terms' numbers and dates, the policy's threshold, whether the viewer may excuse
  (the button is in the overview), the week shown, the language, the student;
- the code version (a hash of the modules and the template that render it), so a
  deployment never serves a copy of the previous template.

Nothing has to invalidate an entry and no entry can be stale: a visit whose rows differ
gets another key. The price is a digest of the rows per visit (a ``repr`` and a SHA-1 of a
few thousand characters), far below rendering them.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kajet.attendance import selectors
from kajet.attendance.models import AttendancePolicy
from kajet.school.models import Student, Term

#: How long a rendered overview is kept. Entries are never stale (the key is a digest of
#: everything they show); this only bounds the cache's memory.
OVERVIEW_SECONDS = 3600

TEMPLATE = "attendance/_family_overview.html"


def _code_version() -> str:
    """Changes when the code that renders the overview changes."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha1(usedforsecurity=False)
    for path in (
        here / "page_cache.py",
        here / "selectors.py",
        here / "stats.py",
        here / "colours.py",
        here / "templates" / "attendance" / "_family_overview.html",
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


def overview_key(
    *,
    student: Student,
    rows: Sequence[selectors.MarkRow],
    terms: Sequence[Term],
    policy: AttendancePolicy,
    monday: datetime.date,
    can_excuse: bool,
) -> str:
    """The cache key of the overview these inputs render: a digest of all of them."""
    parts = (
        CODE_VERSION,
        student.pk,
        monday,
        can_excuse,
        policy.threshold_percent,
        [(t.number, t.starts_on, t.ends_on) for t in terms],
        get_language(),
        [r.as_tuple() for r in rows],
    )
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"attendance:family:{digest}"


def overview_context(
    *,
    rows: list[selectors.MarkRow],
    terms: list[Term],
    policy: AttendancePolicy,
    monday: datetime.date,
    can_excuse: bool,
) -> dict[str, Any]:
    """What the overview's template needs, built from the rows (no queries)."""
    unexcused = [r for r in rows if r.kind == "absent"]
    return {
        "grid": selectors.week_grid(rows, monday),
        "monday": monday,
        "prev_week": monday - datetime.timedelta(days=7),
        "next_week": monday + datetime.timedelta(days=7),
        "stats": selectors.student_statistics(rows, terms, policy.threshold_percent),
        "unexcused": unexcused[-50:],
        "unexcused_count": len(unexcused),
        "can_excuse": can_excuse,
    }


def family_overview(
    *,
    student: Student,
    rows: list[selectors.MarkRow],
    terms: list[Term],
    policy: AttendancePolicy,
    monday: datetime.date,
    can_excuse: bool,
) -> SafeString:
    """The rendered overview: from the cache when these very inputs were rendered before,
    else rendered now and kept."""
    inputs: dict[str, Any] = {
        "rows": rows,
        "terms": terms,
        "policy": policy,
        "monday": monday,
        "can_excuse": can_excuse,
    }
    key = overview_key(student=student, **inputs)
    html = cache.get(key)
    if html is None:
        html = render_to_string(TEMPLATE, overview_context(**inputs))
        cache.set(key, str(html), OVERVIEW_SECONDS)
    return mark_safe(html)  # noqa: S308  (rendered by our own template, autoescaped)
