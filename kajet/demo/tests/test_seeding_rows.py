"""ADR 13: the COPY path of ``insert_rows`` gives the same rows as the plain ``bulk_create``
path (grades, lessons, message copies; ``insert_objects`` as ``bulk_create`` itself), and a
bench school seeded without row triggers (PostgreSQL) has no dangling reference."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.attendance.models import Lesson
from kajet.demo.management.commands.seed_bench import SeedTimes, school_spec, seed_bench_school
from kajet.demo.seeding.attendance import LESSON_COLUMNS
from kajet.demo.seeding.grades import GRADE_COLUMNS
from kajet.demo.seeding.messaging import DELIVERY_COLUMNS
from kajet.demo.seeding.rows import insert_objects, insert_rows
from kajet.grades.models import Grade, GradeColumn
from kajet.grades.services import categories_ensure_defaults
from kajet.messaging.models import Delivery, Folder, Message
from kajet.school.models import LessonPeriod
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY and row triggers are PostgreSQL's"
)


MARKS = (("5", Decimal("5")), ("3+", Decimal("3.5")), ("np", None))


def _rows(world: SchoolWorld, comment: str) -> list[tuple[Any, ...]]:
    """Three marks of the student, each in a column of its own (one mark a column)."""
    category = categories_ensure_defaults(school=world.school)[0]
    at = timezone.make_aware(datetime.datetime(2026, 10, 5, 10, 30))
    rows = []
    for n, (text, value) in enumerate(MARKS):
        column = GradeColumn.objects.create(
            school=world.school,
            course=world.course,
            term=world.term,
            category=category,
            description=f"column {n}",
            date=datetime.date(2026, 10, 5),
            created_by=world.course.teacher,
        )
        rows.append(
            (
                world.school.pk,
                world.student.pk,
                column.course_id,
                column.term_id,
                Grade.Kind.CURRENT.value,
                column.pk,
                text,
                value,
                comment,
                None,
                column.created_by_id,
                at,
            )
        )
    return rows


def _stored(comment: str) -> list[tuple[Any, ...]]:
    # Not compared: the id, the time of the insert, the marker and the column (each path has
    # columns of its own; their descriptions are compared instead).
    ignored = {"id", "updated_at", "comment", "column_id"}
    names = [f.attname for f in Grade._meta.concrete_fields if f.attname not in ignored]
    return sorted(Grade.objects.filter(comment=comment).values_list(*names, "column__description"))


@postgres_only
def test_copy_and_plain_paths_give_the_same_rows(world: SchoolWorld) -> None:
    plain = insert_rows(Grade, GRADE_COLUMNS, _rows(world, "plain"), with_ids=True, method="plain")
    copied = insert_rows(Grade, GRADE_COLUMNS, _rows(world, "copy"), with_ids=True, method="copy")
    assert len(_stored("plain")) == 3
    assert _stored("plain") == _stored("copy")
    # The ids come back in row order on both paths.
    for ids in (plain, copied):
        assert [Grade.objects.get(pk=pk).text for pk in ids] == [text for text, _v in MARKS]
    # The defaults a model gives (version, no deletion) are in the copied rows too.
    assert set(Grade.objects.filter(pk__in=copied).values_list("version", "deleted_at")) == {
        (1, None)
    }


def _kept(model: type[models.Model], ids: list[int]) -> list[tuple[Any, ...]]:
    """The stored rows of ``ids`` in row order, without the id and the times of the insert."""
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "auto_now", False)
        if not getattr(f, "auto_now_add", False)
    ]
    found = {
        row[0]: row[1:] for row in model._base_manager.filter(pk__in=ids).values_list("pk", *names)
    }
    return [found[pk] for pk in ids]


def _both_paths(model: type[models.Model], columns: tuple[str, ...], rows: list[Any]) -> None:
    """The same rows through both paths of ``insert_rows`` (the first deleted before the
    second, for the unique constraints) are stored the same."""
    plain = insert_rows(model, columns, rows, with_ids=True, method="plain")
    stored = _kept(model, plain)
    model._base_manager.filter(pk__in=plain).delete()
    assert len(stored) == len(rows)
    assert _kept(model, insert_rows(model, columns, rows, with_ids=True, method="copy")) == stored


@postgres_only
def test_lessons_and_message_copies_through_copy_are_stored_as_through_bulk_create(
    world: SchoolWorld,
) -> None:
    periods = list(LessonPeriod.objects.filter(school=world.school).order_by("number"))
    day = datetime.date(2026, 10, 5)
    teacher = world.course.teacher
    _both_paths(
        Lesson,
        LESSON_COLUMNS,
        [
            (world.school.pk, world.course.pk, day, p.pk, f"Temat {p.number}", teacher.pk)
            for p in periods
        ],
    )
    at = timezone.make_aware(datetime.datetime(2026, 10, 5, 9, 15))
    message = Message.objects.create(
        school=world.school, sender=teacher, subject="Temat", body="Treść", created_at=at
    )
    guardian = world.user("guardian")
    _both_paths(
        Delivery,
        DELIVERY_COLUMNS,
        [
            (world.school.pk, message.pk, teacher.pk, True, Folder.SENT.value, False, None, at),
            (world.school.pk, message.pk, guardian.pk, False, Folder.INBOX.value, False, at, at),
        ],
    )


def test_insert_objects_stores_what_bulk_create_stores(world: SchoolWorld) -> None:
    category = categories_ensure_defaults(school=world.school)[0]

    def columns() -> list[GradeColumn]:
        return [
            GradeColumn(
                school=world.school,
                course=world.course,
                term=world.term,
                category=category,
                description=f"column {n}",
                date=datetime.date(2026, 10, 5 + n),
                created_by=world.course.teacher,
            )
            for n in range(3)
        ]

    made = columns()
    GradeColumn.objects.bulk_create(made)
    stored = _kept(GradeColumn, [c.pk for c in made])
    GradeColumn.objects.filter(pk__in=[c.pk for c in made]).delete()
    inserted = columns()
    insert_objects(GradeColumn, inserted)
    assert all(c.pk and not c._state.adding for c in inserted)
    assert _kept(GradeColumn, [c.pk for c in inserted]) == stored


def _foreign_keys() -> list[tuple[str, str, str, str]]:
    """(table, column, referenced table, referenced column) of every foreign key."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.db_constraint:
                target = field.target_field
                found.append(
                    (
                        model._meta.db_table,
                        field.column,
                        target.model._meta.db_table,
                        target.column,
                    )
                )
    return found


@postgres_only
def test_a_school_seeded_without_row_triggers_has_no_dangling_reference() -> None:
    with scopes_disabled():
        seed_bench_school(
            school_spec("xs", 1), size="xs", today=timezone.localdate(), times=SeedTimes()
        )
    quote = connection.ops.quote_name
    dangling = {}
    with connection.cursor() as cursor:
        for table, column, target, target_column in _foreign_keys():
            cursor.execute(
                f"SELECT count(*) FROM {quote(table)} t WHERE t.{quote(column)} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {quote(target)} r "
                f"WHERE r.{quote(target_column)} = t.{quote(column)})"
            )
            count = cursor.fetchone()[0]
            if count:
                dangling[f"{table}.{column}"] = count
        cursor.execute("SELECT count(*) FROM attendance_attendancemark")
        marks = cursor.fetchone()[0]
    assert marks > 1000
    assert dangling == {}
