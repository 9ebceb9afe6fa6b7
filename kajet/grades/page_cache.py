"""The family grades page is served from a cache of its rendered grades, keyed by a stamp of
everything those grades show, so an entry is never stale and needs no invalidation.

The family's most opened page would otherwise build hundreds of marks on every visit (the
ORM objects and the template cost ten times the page's SQL). With the cache a visit costs the
session, the user, **one probe** (this module) and the navigation's unread count; a visit
after a change also costs the courses and the grades (still at most 6 queries).

The probe is hand-written SQL on purpose: it is the only read on the hot path, and Django
needs several milliseconds to compile the equivalent queryset (a join of five tables with
four correlated subqueries) where the database answers in a tenth of a millisecond. It is
filtered by the school explicitly (raw SQL does not pass through django-scopes) and tested
on SQLite and PostgreSQL against the ORM's answers (tests/test_page_cache.py in this app).

What the stamp covers (``probe_children``):

- the student's grades: every write — add, change, correct, delete (deletes are soft; grades
  are never removed, all their foreign keys PROTECT) — moves ``Grade.updated_at`` forward;
- their columns' date, description, weight and category (``GradeColumn.updated_at``);
- the school's categories (``GradeCategory.updated_at``) and grading policy (its row);
- the courses shown — the class's and the student's groups' courses of the current year
  with their subjects and teachers' names — as a signature string;
- the student's class; and, from the caller, the viewer's last visit, the period, the
  language and whether averages are shown (``page_key``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection

from kajet.accounts.models import User
from kajet.grades.models import (
    DEFAULT_VALUELESS,
    Grade,
    GradeCategory,
    GradeColumn,
    GradesVisit,
    GradingPolicy,
)
from kajet.grades.scale import Policy
from kajet.school.models import (
    Course,
    GroupMembership,
    Guardianship,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
)

#: The policy columns read by the probe, in the order ``_policy`` takes them.
POLICY_COLUMNS = (
    "plus_value",
    "minus_value",
    "valueless_marks",
    "correction_rule",
    "threshold_6",
    "threshold_5",
    "threshold_4",
    "threshold_3",
    "threshold_2",
    "show_averages_to_family",
    "descriptive_up_to_level",
    "updated_at",
)


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _probe_sql() -> str:
    # A column's time per grade by primary key: a join would let PostgreSQL hash the
    # school's whole column table for a student's hundred grades.
    column_at = f"(SELECT col.updated_at FROM {_t(GradeColumn)} col WHERE col.id = g.column_id)"
    if connection.vendor == "postgresql":
        course_text = (
            "CAST(co.id AS TEXT) || ':' || COALESCE(CAST(co.group_id AS TEXT), '') || ':' || "
            "sj.name || ':' || COALESCE(tu.first_name || ' ' || tu.last_name, '')"
        )
        aggregate = "string_agg(x, '|' ORDER BY x)"
        newest = f"GREATEST(g.updated_at, {column_at})"  # GREATEST skips NULLs
        true = "TRUE"
    else:
        course_text = (
            "co.id || ':' || COALESCE(co.group_id, '') || ':' || "
            "sj.name || ':' || COALESCE(tu.first_name || ' ' || tu.last_name, '')"
        )
        aggregate = "group_concat(x, '|')"
        newest = f"MAX(g.updated_at, COALESCE({column_at}, g.updated_at))"
        true = "1"
    policy = ", ".join(f"p.{name}" for name in POLICY_COLUMNS)
    return f"""
SELECT s.id, s.school_id, s.user_id, s.school_class_id, s.left_on,
       u.first_name, u.last_name, c.name,
       (SELECT v.seen_at FROM {_t(GradesVisit)} v
         WHERE v.user_id = %s AND v.student_id = s.id),
       (SELECT MAX({newest}) FROM {_t(Grade)} g WHERE g.student_id = s.id),
       (SELECT MAX(k.updated_at) FROM {_t(GradeCategory)} k WHERE k.school_id = s.school_id),
       (SELECT {aggregate} FROM (
          SELECT {course_text} AS x
            FROM {_t(Course)} co
            JOIN {_t(SchoolYear)} y ON y.id = co.year_id
            JOIN {_t(Subject)} sj ON sj.id = co.subject_id
            LEFT JOIN {_t(User)} tu ON tu.id = co.teacher_id
           WHERE co.school_id = s.school_id AND co.school_class_id = s.school_class_id
             AND y.is_current = {true}
             AND (co.group_id IS NULL OR co.group_id IN (
                  SELECT m.group_id FROM {_t(GroupMembership)} m WHERE m.student_id = s.id))
           ORDER BY x) courses),
       p.id, {policy}
  FROM {_t(Student)} s
  JOIN {_t(User)} u ON u.id = s.user_id
  JOIN {_t(SchoolClass)} c ON c.id = s.school_class_id
  LEFT JOIN {_t(GradingPolicy)} p ON p.school_id = s.school_id
 WHERE s.id IN (SELECT gs.student_id FROM {_t(Guardianship)} gs WHERE gs.guardian_id = %s
                UNION ALL
                SELECT own.id FROM {_t(Student)} own WHERE own.user_id = %s)
   AND s.school_id = %s
 ORDER BY s.left_on, u.first_name, s.id
"""


_SQL: dict[str, str] = {}


@dataclass(frozen=True)
class Stamp:
    """What ``page_key`` needs of one student besides the viewer's choices."""

    grades_at: object
    categories_at: object
    courses: str
    policy_at: object


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _datetime(value: Any) -> datetime.datetime | None:
    """A stored time as an aware datetime (SQLite gives naive UTC, or text)."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.fromisoformat(str(value))
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def _policy(values: tuple[Any, ...]) -> Policy:
    """The pure policy from the probe's policy columns (the same as ``policy_from_row``)."""
    (plus, minus, valueless, rule, t6, t5, t4, t3, t2, show, descriptive, _updated) = values
    if isinstance(valueless, str):  # SQLite returns JSON as text
        valueless = json.loads(valueless)
    return Policy(
        plus_value=_decimal(plus),
        minus_value=_decimal(minus),
        valueless=tuple(valueless) if valueless else DEFAULT_VALUELESS,
        correction_rule=rule,
        thresholds=(
            (_decimal(t6), 6),
            (_decimal(t5), 5),
            (_decimal(t4), 4),
            (_decimal(t3), 3),
            (_decimal(t2), 2),
        ),
        show_averages_to_family=bool(show),
        descriptive_up_to_level=int(descriptive),
    )


def probe_children(user: User) -> list[Student]:
    """The students a family user sees (a guardian's children, a student themself), in ONE
    query, as Student instances carrying ``user`` (names), ``school_class`` (name),
    ``grades_seen_at`` (this user's last visit), ``grades_policy`` (the school's pure policy)
    and ``grades_stamp`` (a ``Stamp``). Same order as ``selectors.family_children``."""
    sql = _SQL.get(connection.vendor)
    if sql is None:
        sql = _SQL[connection.vendor] = _probe_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, user.pk, user.school_id])
        rows = cursor.fetchall()
    children = []
    for row in rows:
        (pk, school_id, user_id, class_id, left_on, first, last, class_name) = row[:8]
        seen_at, grades_at, categories_at, courses, policy_id = row[8:13]
        if isinstance(left_on, str):  # SQLite returns dates as text
            left_on = datetime.date.fromisoformat(left_on)
        student = Student(
            id=pk, school_id=school_id, user_id=user_id, school_class_id=class_id, left_on=left_on
        )
        student.user = User(id=user_id, first_name=first, last_name=last, school_id=school_id)
        student.school_class = SchoolClass(id=class_id, name=class_name, school_id=school_id)
        policy_values = row[13:]
        student.grades_seen_at = _datetime(seen_at)  # type: ignore[attr-defined]
        student.grades_policy = (  # type: ignore[attr-defined]
            _policy(policy_values) if policy_id is not None else Policy()
        )
        student.grades_stamp = Stamp(  # type: ignore[attr-defined]
            grades_at=str(grades_at),
            categories_at=str(categories_at),
            courses=courses or "",
            policy_at=str(policy_values[-1]),
        )
        children.append(student)
    return children


def _code_version() -> str:
    """Changes when the code that renders the grades changes (after a deployment a shared
    cache must not answer with a fragment of the previous templates)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha1(usedforsecurity=False)
    for path in (
        here / "page_cache.py",
        here / "selectors.py",
        here / "averages.py",
        here / "scale.py",
        here / "templatetags" / "grades_tags.py",
        here / "templates" / "grades" / "_student_grades.html",
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


def page_key(student: Student, *, variant: tuple[object, ...]) -> str:
    """The cache key of a probed student's rendered grades for one viewer (``variant``: the
    viewer's last visit, the period asked, the language, whether averages are shown)."""
    stamp: Stamp = getattr(student, "grades_stamp")  # noqa: B009
    parts = (CODE_VERSION, student.pk, student.school_class_id, stamp, variant)
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"grades:page:{digest}"
