"""The viewer's own part of the home page's key: one query of small aggregates.

What only one viewer sees on the home page — their unread messages, which announcements they
have read, for a family the child's new grades and ticked homework — changes with writes that
do not move the school's ``home_version``. Instead of reading those lists on every visit, the
page reads a **stamp** of them: per source, how many rows and a sum (or maximum) of a column
that every write to the source moves (a new row adds a larger id, a removed one takes its id
away, an edited grade raises its ``version``). The whole board is kept rendered under a key
made of the stamp and the shared keys (``caching.home_key``), so a warm page costs this one
query, not the lists and their rendering (docs/adr/0014, addendum of the second session of
2026-12-06).

The stamp reads the same rows as the lists it stands for (``messaging.selectors._unread``,
``homework_ids_done_by``, ``announcement_ids_read_by``, ``new_grades_for``), by the same
indexes; ``kajet/dashboard/tests/test_home_stamp.py`` changes each through the services the
school uses and checks that the stamp moves and the next visit shows the change.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.db.models import Count, Field, IntegerField, Max, Model, QuerySet, Sum, Value

from kajet.accounts.models import User
from kajet.grades.models import Grade
from kajet.homework.models import HomeworkDone
from kajet.messaging.models import Delivery, Folder
from kajet.messaging.selectors.folders import unread_rows
from kajet.noticeboard.models import AnnouncementRead
from kajet.school.models import Student

#: The sources, in the order of the stamp's parts.
UNREAD, READS, DONE, GRADES = 1, 2, 3, 4


def _part(tag: int, qs: QuerySet, group: str, moved_by: str, aggregate: type) -> QuerySet:
    """One source as a row (tag, rows, their sum or maximum of ``moved_by``); no row when
    the source has none."""
    return (
        qs.order_by()
        .values(group)
        .annotate(
            tag=Value(tag, output_field=IntegerField()),
            n=Count("pk"),
            moved=aggregate(moved_by),
        )
        .values_list("tag", "n", "moved")
    )


Stamp = tuple[tuple[int, int, int], ...]


def viewer_stamp_orm(user: User, student: Student | None = None) -> Stamp:
    """The stamp said with the ORM: a UNION ALL of one grouped aggregate per source (a
    source with no rows gives no row). ``viewer_stamp`` runs the same query from text built
    once; ``test_home_stamp.py`` compares the two on the same data."""
    parts = [
        # Unread messages: marking one unread again brings back an old id, so the sum.
        _part(UNREAD, unread_rows(user), "owner_id", "id", Sum),
        # Announcements read: a read is never taken back.
        _part(READS, AnnouncementRead.objects.filter(user_id=user.pk), "user_id", "id", Max),
    ]
    if student is not None:
        done = HomeworkDone.objects.filter(student_id=student.pk)
        parts.append(_part(DONE, done, "student_id", "homework_id", Sum))
        # Every change of a grade (a correction, a deletion) raises its version; grades are
        # never deleted outright.
        grades = Grade.objects.filter(student_id=student.pk)
        parts.append(_part(GRADES, grades, "student_id", "version", Sum))
    first, *rest = parts
    rows = first.union(*rest, all=True)
    return tuple(sorted(tuple(row) for row in rows))


def _source(
    tag: int, model: type[Model], moved: str, aggregate: str, where: list[tuple[str, str]]
) -> str:
    q = connection.ops.quote_name

    def c(name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, Field)
        return q(field.column)

    conditions = " AND ".join([f"{c('school')} = %s", *(f"{c(name)} {op}" for name, op in where)])
    return (
        f"SELECT {tag:d}, COUNT(*), {aggregate}({c(moved)})"
        f" FROM {q(model._meta.db_table)} WHERE {conditions}"
    )


@functools.cache
def _sql(vendor: str, family: bool) -> str:
    """The stamp's text for one database and kind of viewer, from the models' ``_meta``.
    Parameters: per source the school and the owner (``_params``)."""
    del vendor  # the same text on SQLite and PostgreSQL; the key keeps them apart anyway
    sources = [
        _source(
            UNREAD,
            Delivery,
            "id",
            "SUM",
            [
                ("owner", "= %s"),
                ("is_unread", "= %s"),
                ("folder", "= %s"),
                ("deleted_at", "IS NULL"),
            ],
        ),
        _source(READS, AnnouncementRead, "id", "MAX", [("user", "= %s")]),
    ]
    if family:
        sources.append(_source(DONE, HomeworkDone, "homework", "SUM", [("student", "= %s")]))
        sources.append(_source(GRADES, Grade, "version", "SUM", [("student", "= %s")]))
    return " UNION ALL ".join(sources)


def viewer_stamp(user: User, student: Student | None = None) -> Stamp:
    """The stamp of ``user``'s own panels (and, for a family, of ``student``'s) in ONE
    query, hand-written (ADR 4's exception; the measured reason is in ADR 14's addendum of
    the second session of 2026-12-06): the ORM's ``viewer_stamp_orm`` costs about 3 ms of
    CPU to build and compile for 0.1 ms of SQL. The stamp also carries the number of unread
    messages, which the page and the navigation's badge show (``unread_of``)."""
    school = user.school_pk
    params: list[Any] = [school, user.pk, True, Folder.INBOX.value, school, user.pk]
    if student is not None:
        params += [school, student.pk, school, student.pk]
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor, student is not None), params)
        rows = cursor.fetchall()
    return tuple(sorted((tag, n, moved) for tag, n, moved in rows if n))


def unread_of(stamp: Stamp) -> int:
    """How many unread messages the stamp counted."""
    return next((n for tag, n, _moved in stamp if tag == UNREAD), 0)
