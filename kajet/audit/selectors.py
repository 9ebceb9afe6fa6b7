"""Page-shaped reads of the access log (a fixed number of queries per page)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from kajet.accounts.models import User
from kajet.audit.models import AccessLogEntry
from kajet.school.models import Student

PER_PAGE = 50


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of a day in the school's time zone (the filter's dates are local days)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class LogFilter:
    """What the principal asked for; every field is optional."""

    student_id: int | None = None
    viewer_id: int | None = None
    student_query: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


def _entries() -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.select_related(
        "viewer", "student__user", "student__school_class"
    ).prefetch_related("viewer__role_rows")


def access_log_page(log_filter: LogFilter, page: str | int | None) -> Page[AccessLogEntry]:
    """One page of the school's access log (inside the current school scope), newest first:
    a count, a page of rows with viewer, student and class, the viewers' roles — three
    queries."""
    qs = _entries()
    if log_filter.student_id is not None:
        qs = qs.filter(student_id=log_filter.student_id)
    if log_filter.viewer_id is not None:
        qs = qs.filter(viewer_id=log_filter.viewer_id)
    words = log_filter.student_query.split()
    for word in words[:3]:
        qs = qs.filter(
            Q(student__user__last_name__icontains=word)
            | Q(student__user__first_name__icontains=word)
        )
    if log_filter.start is not None:
        qs = qs.filter(at__gte=_midnight(log_filter.start))
    if log_filter.end is not None:
        qs = qs.filter(at__lt=_midnight(log_filter.end + datetime.timedelta(days=1)))
    return Paginator(qs, PER_PAGE).get_page(page)


def staff_choices(school_id: int) -> list[User]:
    """The school's staff, by surname, for the "staff member" filter (one query)."""
    return list(
        User.objects.filter(school_id=school_id, kind=User.Kind.STAFF).order_by(
            "last_name", "first_name"
        )
    )


def family_log_page(student: Student, page: str | int | None) -> Page[AccessLogEntry]:
    """One page of the staff's views of one student's data, newest first, with the viewers'
    roles (three queries)."""
    qs = (
        AccessLogEntry.objects.filter(student=student)
        .select_related("viewer")
        .prefetch_related("viewer__role_rows")
    )
    return Paginator(qs, PER_PAGE).get_page(page)
