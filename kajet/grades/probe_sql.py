"""The grades page's probe as one hand-written query (ADR 4's exception, with its measured
reason in docs/adr/0008-grades-page-cache.md): the same rows and stamp as the ORM's
``page_cache.probe_children_orm``, which a test runs on the same data and compares, on SQLite
and PostgreSQL (``test_probe_sql_answers_what_the_orm_probe_answers``).

Built by the ORM, that query costs about 8 ms of CPU per request to put together and compile
(seven correlated subqueries) and 0.3 ms to run; the cached page around it costs about 6 ms.
Here the text is built once per database and kind of user from the models' ``_meta`` (no
value is ever formatted into it) and the rows become model instances through Django's own
``from_db`` and the fields' database converters, as the ORM's would.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, ForeignKey, Model, OneToOneRel

from kajet.accounts.models import User
from kajet.core.models import School
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
    GradeCategory,
    GradeColumn,
    GradesVisit,
    GradingPolicy,
    MarkScale,
)
from kajet.school.models import (
    Course,
    GroupMembership,
    Guardianship,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    Term,
)

#: The loaded rows: (model, the alias in the query). The policy is LEFT JOINed (a school
#: may keep the defaults and have no row).
_MODELS: tuple[tuple[type[Model], str], ...] = (
    (Student, "s"),
    (User, "u"),
    (SchoolClass, "c"),
    (School, "sc"),
    (GradingPolicy, "p"),
)

#: The annotations after the rows' columns, each with the field whose converters read it.
_ANNOTATIONS: tuple[tuple[str, Field[Any, Any] | None], ...] = (
    ("grades_seen_at", GradesVisit._meta.get_field("seen_at")),
    ("grades_at", Grade._meta.get_field("updated_at")),
    ("categories_at", GradeCategory._meta.get_field("updated_at")),
    ("scales_at", MarkScale._meta.get_field("updated_at")),
    ("courses_signature", None),
    ("behaviour_1", BehaviourGrade._meta.get_field("value")),
    ("behaviour_2", BehaviourGrade._meta.get_field("value")),
    ("behaviour_year", BehaviourGrade._meta.get_field("value")),
)


def _fields(model: type[Model]) -> list[Field[Any, Any]]:
    return list(model._meta.concrete_fields)


@functools.cache
def _sql(vendor: str, for_student: bool) -> str:
    """The probe's text for one database and kind of user. Parameters: the user (their
    visits), the school, the user (a guardian's guardianships, or the student's own row)."""
    q = connection.ops.quote_name

    def t(model: type[Model]) -> str:
        return q(model._meta.db_table)

    def c(model: type[Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, Field)
        return q(field.column)

    postgres = vendor == "postgresql"
    greatest = "GREATEST" if postgres else "MAX"
    aggregate = "STRING_AGG" if postgres else "GROUP_CONCAT"
    columns = ", ".join(
        f"{alias}.{q(f.column)}" for model, alias in _MODELS for f in _fields(model)
    )
    # A column's time per grade by primary key, as the ORM version reads it: a join would
    # let PostgreSQL hash the school's whole column table for a student's hundred grades.
    column_at = (
        f"(SELECT col.{c(GradeColumn, 'updated_at')} FROM {t(GradeColumn)} col"
        f" WHERE col.{c(GradeColumn, 'id')} = g.{c(Grade, 'column')})"
    )
    g_at = c(Grade, "updated_at")
    course_text = " || ".join(
        (
            f"CAST(co.{c(Course, 'id')} AS TEXT)",
            "':'",
            f"COALESCE(CAST(co.{c(Course, 'group')} AS TEXT), '')",
            "':'",
            f"sj.{c(Subject, 'name')}",
            "':'",
            f"COALESCE(tu.{c(User, 'first_name')}, '')",
            "' '",
            f"COALESCE(tu.{c(User, 'last_name')}, '')",
        )
    )

    def behaviour(term_number: int | None) -> str:
        if term_number is None:
            join, where = "", f"b.{c(BehaviourGrade, 'term')} IS NULL"
        else:
            join = f" JOIN {t(Term)} bt ON bt.{c(Term, 'id')} = b.{c(BehaviourGrade, 'term')}"
            where = f"bt.{c(Term, 'number')} = {term_number:d}"
        return (
            f"(SELECT b.{c(BehaviourGrade, 'value')} FROM {t(BehaviourGrade)} b{join}"
            f" WHERE b.{c(BehaviourGrade, 'school')} = s.{c(Student, 'school')}"
            f" AND b.{c(BehaviourGrade, 'student')} = s.{c(Student, 'id')}"
            f" AND b.{c(BehaviourGrade, 'year')} = c.{c(SchoolClass, 'year')}"
            f" AND {where} LIMIT 1)"
        )

    if for_student:
        family_join = ""
        family_where = f"s.{c(Student, 'user')} = %s"
    else:
        family_join = (
            f" JOIN {t(Guardianship)} gs ON gs.{c(Guardianship, 'student')} = s.{c(Student, 'id')}"
        )
        family_where = f"gs.{c(Guardianship, 'guardian')} = %s"
    sid, school = f"s.{c(Student, 'id')}", f"s.{c(Student, 'school')}"
    return f"""
SELECT {columns},
  (SELECT v.{c(GradesVisit, "seen_at")} FROM {t(GradesVisit)} v
    WHERE v.{c(GradesVisit, "school")} = {school} AND v.{c(GradesVisit, "student")} = {sid}
      AND v.{c(GradesVisit, "user")} = %s LIMIT 1),
  (SELECT MAX({greatest}(g.{g_at}, COALESCE({column_at}, g.{g_at}))) FROM {t(Grade)} g
    WHERE g.{c(Grade, "school")} = {school} AND g.{c(Grade, "student")} = {sid}),
  (SELECT MAX(k.{c(GradeCategory, "updated_at")}) FROM {t(GradeCategory)} k
    WHERE k.{c(GradeCategory, "school")} = {school}),
  (SELECT MAX(ms.{c(MarkScale, "updated_at")}) FROM {t(MarkScale)} ms
    WHERE ms.{c(MarkScale, "school")} = {school}),
  (SELECT {aggregate}({course_text}, '|') FROM {t(Course)} co
     JOIN {t(SchoolYear)} y ON y.{c(SchoolYear, "id")} = co.{c(Course, "year")}
     JOIN {t(Subject)} sj ON sj.{c(Subject, "id")} = co.{c(Course, "subject")}
     JOIN {t(User)} tu ON tu.{c(User, "id")} = co.{c(Course, "teacher")}
    WHERE co.{c(Course, "school")} = {school}
      AND co.{c(Course, "school_class")} = s.{c(Student, "school_class")}
      AND y.{c(SchoolYear, "is_current")}
      AND (co.{c(Course, "group")} IS NULL OR co.{c(Course, "group")} IN (
            SELECT m.{c(GroupMembership, "group")} FROM {t(GroupMembership)} m
             WHERE m.{c(GroupMembership, "school")} = {school}
               AND m.{c(GroupMembership, "student")} = {sid}))),
  {behaviour(1)},
  {behaviour(2)},
  {behaviour(None)}
  FROM {t(Student)} s
  JOIN {t(User)} u ON u.{c(User, "id")} = s.{c(Student, "user")}
  JOIN {t(SchoolClass)} c ON c.{c(SchoolClass, "id")} = s.{c(Student, "school_class")}
  JOIN {t(School)} sc ON sc.{c(School, "id")} = {school}
  LEFT JOIN {t(GradingPolicy)} p ON p.{c(GradingPolicy, "school")} = sc.{c(School, "id")}
  {family_join}
 WHERE {school} = %s AND {family_where}
 ORDER BY s.{c(Student, "left_on")}, u.{c(User, "first_name")}, {sid}
"""


Converter = Callable[[Any, Any, Any], Any]


def _readers() -> list[tuple[Any, list[Converter]]]:
    """(expression, converters) for every column of the probe, as the ORM's compiler reads
    them (SQLite's text dates and integer booleans, decimals, JSON)."""
    fields: list[tuple[Field[Any, Any] | None, str]] = [
        (f, alias) for model, alias in _MODELS for f in _fields(model)
    ]
    fields += [(field, "a") for _, field in _ANNOTATIONS]
    readers: list[tuple[Any, list[Converter]]] = []
    for field, alias in fields:
        if field is None:
            readers.append((None, []))
            continue
        col = field.get_col(alias)
        readers.append(
            (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
        )
    return readers


def _convert(row: Sequence[Any], readers: list[tuple[Any, list[Converter]]]) -> list[Any]:
    values = list(row)
    for i, (col, converters) in enumerate(readers):
        for converter in converters:
            values[i] = converter(values[i], col, connection)
    return values


def _instance(model: type[Model], values: Sequence[Any]) -> Model:
    return model.from_db(connection.alias, [f.attname for f in _fields(model)], values)


def probe_children(user: User) -> list[Student]:
    """See ``page_cache.probe_children``."""
    sql = _sql(connection.vendor, user.kind == User.Kind.STUDENT)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.school_pk, user.pk])
        rows = cursor.fetchall()
    readers = _readers()
    children: list[Student] = []
    for row in rows:
        values = _convert(row, readers)
        loaded: list[Model | None] = []
        for model, _alias in _MODELS:
            size = len(_fields(model))
            part, values = values[:size], values[size:]
            # The policy's columns are all NULL when the school has no row (LEFT JOIN).
            loaded.append(_instance(model, part) if part[0] is not None else None)
        student, pupil_user, school_class, school, policy = loaded
        assert isinstance(student, Student) and isinstance(school, School)
        assert pupil_user is not None and school_class is not None
        _link(student, "user", pupil_user)
        _link(student, "school_class", school_class)
        _link(student, "school", school)
        # As ``select_related("school__grading_policy")`` leaves it: None when the school has
        # no row, so that the accessor raises DoesNotExist (``page_cache.policy_row``).
        rel = School._meta.get_field("grading_policy")
        assert isinstance(rel, OneToOneRel)
        rel.set_cached_value(school, policy)
        if policy is not None:
            _link(policy, "school", school)
        for (name, _field), value in zip(_ANNOTATIONS, values, strict=True):
            setattr(student, name, value)
        children.append(student)
    return children


def _link(row: Model, name: str, related: Model) -> None:
    """What ``select_related(name)`` leaves: the forward cache (and a one-to-one's reverse)."""
    field = type(row)._meta.get_field(name)
    assert isinstance(field, ForeignKey)
    field.set_cached_value(row, related)
    if field.one_to_one:
        field.remote_field.set_cached_value(related, row)
