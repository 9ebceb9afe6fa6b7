"""The family grades page is served from a cache of its rendered grades, keyed by a stamp of
everything those grades show, so an entry is never stale and needs no invalidation (why a
cache at all, with the measurements: docs/adr/0008-grades-page-cache.md).

The family's most opened page would otherwise build hundreds of marks on every visit (the
ORM objects and the template cost ten times the page's SQL). With the cache a visit costs the
session, the user, **one probe** (this module) and the navigation's unread count; a visit
after a change also costs the courses and the grades (still at most 6 queries).

The probe is one query: the family's students (as ``selectors.family_children`` reads them,
with the school's policy row) annotated with the times and the course signature below. It
is hand-written (``probe_sql``: the ORM's version, ``probe_children_orm``, cost half the
page to build and compile; ADR 8) and compared with the ORM's version by a test. It is
filtered by the user's school explicitly (the scope does not reach hand-written SQL).

What the stamp covers (``probe_children``):

- the student's grades: every write — add, change, correct, delete (deletes are soft; grades
  are never removed, all their foreign keys PROTECT) — moves ``Grade.updated_at`` forward;
- their columns' date, description, weight and category (``GradeColumn.updated_at``);
- the school's categories (``GradeCategory.updated_at``), mark scales
  (``MarkScale.updated_at``: a symbol's meaning is shown) and grading policy (its row's
  ``updated_at``);
- the courses shown — the class's and the student's groups' courses of the current year
  with their subjects and teachers' names — as a signature string;
- the student's behaviour grades of the class's year (term I, term II, annual): the values
  themselves, read by the probe (``_behaviour``) and shown from it;
- the student's class; and, from the caller, the viewer's last visit, the period, the
  language and whether averages are shown (``page_key``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.db.models import (
    Aggregate,
    CharField,
    Max,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest

from kajet.accounts.models import User
from kajet.grades import probe_sql
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
    GradeCategory,
    GradeColumn,
    GradesVisit,
    GradingPolicy,
    MarkScale,
)
from kajet.school.models import Course, GroupMembership, Student


class StringAgg(Aggregate):
    """The group's strings joined with ``|``: PostgreSQL's ``string_agg``, SQLite's
    ``group_concat`` (Django 5.2 ships ``StringAgg`` for PostgreSQL only; 6.0 for every
    database). The order of the parts is the database's: an equal set of courses read in
    another order would only miss the cache, never serve a stale page."""

    function = "STRING_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s, '|')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def _grades_at() -> Subquery:
    """The newest change of the student's grades or of their columns."""
    # A column's time per grade by primary key: a join would let PostgreSQL hash the
    # school's whole column table for a student's hundred grades.
    column_at = GradeColumn.objects.filter(pk=OuterRef("column_id")).values("updated_at")
    newest = Greatest("updated_at", Coalesce(Subquery(column_at), "updated_at"))
    return Subquery(
        Grade.objects.filter(student_id=OuterRef("pk"))
        .order_by()
        .values("student_id")
        .annotate(at=Max(newest))
        .values("at")
    )


def _categories_at() -> Subquery:
    return Subquery(
        GradeCategory.objects.filter(school_id=OuterRef("school_id"))
        .order_by()
        .values("school_id")
        .annotate(at=Max("updated_at"))
        .values("at")
    )


def _scales_at() -> Subquery:
    """The newest change of the school's mark scales (a symbol's meaning is on the page)."""
    return Subquery(
        MarkScale.objects.filter(school_id=OuterRef("school_id"))
        .order_by()
        .values("school_id")
        .annotate(at=Max("updated_at"))
        .values("at")
    )


def _courses_signature() -> Subquery:
    """``id:group:subject:teacher`` of every course the page lists, joined."""
    groups = GroupMembership.objects.filter(student_id=OuterRef(OuterRef("pk"))).values("group_id")
    text = Concat(
        Cast("pk", CharField()),
        Value(":"),
        Cast("group_id", CharField()),
        Value(":"),
        "subject__name",
        Value(":"),
        "teacher__first_name",
        Value(" "),
        "teacher__last_name",
        output_field=CharField(),
    )
    return Subquery(
        Course.objects.filter(school_class_id=OuterRef("school_class_id"), year__is_current=True)
        .filter(Q(group__isnull=True) | Q(group_id__in=groups))
        .order_by()
        .values("school_class_id")
        .annotate(signature=StringAgg(text))
        .values("signature")
    )


def _behaviour(term_number: int | None) -> Subquery:
    """The student's behaviour grade of their class's year for term 1 or 2 (None: the
    annual one)."""
    grades = BehaviourGrade.objects.filter(
        student_id=OuterRef("pk"), year_id=OuterRef("school_class__year_id")
    )
    if term_number is None:
        grades = grades.filter(term__isnull=True)
    else:
        grades = grades.filter(term__number=term_number)
    return Subquery(grades.values("value")[:1])


def policy_row(student: Student) -> GradingPolicy | None:
    """The school's policy row loaded with the student (None: the school keeps the
    defaults)."""
    try:
        # The reverse one-to-one accessor is invisible to the type stubs.
        row: GradingPolicy = getattr(student.school, "grading_policy")  # noqa: B009
    except GradingPolicy.DoesNotExist:
        return None
    return row


def probe_children(user: User) -> list[Student]:
    """The students a family user sees (a guardian's children, a student themself), in ONE
    query, with ``user`` (names), ``school_class`` and the school with its policy row loaded
    and annotated with ``grades_seen_at`` (this user's last visit) and the stamp's parts
    (``grades_at``, ``categories_at``, ``scales_at``, ``courses_signature``, ``behaviour_1``,
    ``behaviour_2``, ``behaviour_year``). Same order as ``selectors.family_children``.

    Hand-written (``probe_sql``): the ORM version (``probe_children_orm``) spends about 8 ms
    of CPU per request building and compiling its seven subqueries — half the cached page —
    for SQL that runs in 0.3 ms (measured: docs/adr/0008-grades-page-cache.md)."""
    return probe_sql.probe_children(user)


def probe_children_orm(user: User) -> list[Student]:
    """``probe_children`` said with the ORM: the plain version the hand-written probe is
    compared with (``test_probe_sql_answers_what_the_orm_probe_answers``, on SQLite and
    PostgreSQL). The students a family user sees, in ONE query, with ``user`` (names),
    ``school_class`` and the school's policy row loaded, annotated as ``probe_children``'s."""
    students = Student.objects.select_related("user", "school_class", "school__grading_policy")
    if user.kind == User.Kind.STUDENT:
        students = students.filter(user=user)
    else:
        students = students.filter(guardianships__guardian=user)
    seen = GradesVisit.objects.filter(user=user, student=OuterRef("pk")).values("seen_at")[:1]
    return list(
        students.filter(school_id=user.school_pk)
        .annotate(
            grades_seen_at=Subquery(seen),
            grades_at=_grades_at(),
            categories_at=_categories_at(),
            scales_at=_scales_at(),
            courses_signature=_courses_signature(),
            behaviour_1=_behaviour(1),
            behaviour_2=_behaviour(2),
            behaviour_year=_behaviour(None),
        )
        .order_by("left_on", "user__first_name", "pk")
    )


def _code_version() -> str:
    """Changes when the code that renders the grades changes (after a deployment a shared
    cache must not answer with a fragment of the previous templates)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha1(usedforsecurity=False)
    for path in (
        here / "page_cache.py",
        here / "probe_sql.py",
        *sorted((here / "selectors").glob("*.py")),
        here / "averages.py",
        here / "scale.py",
        here / "mark_scales.py",
        here / "templatetags" / "grades_tags.py",
        here / "templates" / "grades" / "_student_grades.html",
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


def page_key(student: Student, *, variant: tuple[object, ...]) -> str:
    """The cache key of a probed student's rendered grades for one viewer (``variant``: the
    viewer's last visit, the period asked, the language, whether averages are shown)."""
    policy = policy_row(student)
    stamp = (
        getattr(student, "grades_at", None),
        getattr(student, "categories_at", None),
        getattr(student, "scales_at", None),
        getattr(student, "courses_signature", None),
        getattr(student, "behaviour_1", None),
        getattr(student, "behaviour_2", None),
        getattr(student, "behaviour_year", None),
        policy.updated_at if policy is not None else None,
    )
    parts = (CODE_VERSION, student.pk, student.school_class_id, stamp, variant)
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"grades:page:{digest}"
