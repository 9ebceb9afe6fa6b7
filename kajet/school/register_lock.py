"""A school year's register after its year-end archive is signed — the one rule the write
services of grades and attendance consult.

The archive copy (§22 of the MEN regulation of 25 Aug 2017) is what the school keeps; the
register it was made from must not drift from it silently. So once a year is archived
(``SchoolYear.archived_at``), its register is read-only except for *documented corrections*:
a change that carries a reason (a grade's correction with its justification, a grade deleted
with its reason), which the service records in the history as usual. Entering new marks,
lessons, attendance, term or behaviour grades is refused.
"""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kajet.school.models import Course, SchoolYear


def register_change_problem(
    *, year_name: str, archived_at: datetime.datetime | None, reason: str = ""
) -> str | None:
    """Why a change to the register of a year cannot be made, or None when it can: the year
    is not archived, or the change is a correction documented with a reason. Pure."""
    if archived_at is None or reason.strip():
        return None
    return _(
        "The register of %(year)s is archived (the archive was signed on %(date)s): it can only "
        "be changed by a correction with a reason."
    ) % {"year": year_name, "date": date_format(archived_at.date(), "SHORT_DATE_FORMAT")}


def year_change_problem(year_id: int, *, reason: str = "") -> str | None:
    """``register_change_problem`` for the year with this id (one query)."""
    row = SchoolYear.objects.filter(pk=year_id).values_list("name", "archived_at").first()
    if row is None:
        return None
    return register_change_problem(year_name=row[0], archived_at=row[1], reason=reason)


def course_change_problem(course_id: int, *, reason: str = "") -> str | None:
    """``register_change_problem`` for the year of this course (one query)."""
    row = Course.objects.filter(pk=course_id).values_list("year__name", "year__archived_at").first()
    if row is None:
        return None
    return register_change_problem(year_name=row[0], archived_at=row[1], reason=reason)
