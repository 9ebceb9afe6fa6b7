"""Two teachers save the same mark: the later save, holding a stale version, is refused with
a conflict and the first save stays. On PostgreSQL with two real concurrent transactions."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django_scopes import scopes_disabled

from kajet.core.models import HistoryEntry
from kajet.grades import services
from kajet.grades.models import Grade
from kajet.grades.tests.helpers import category, column, mark
from kajet.testutils.factories import SchoolWorld


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_mark(world: SchoolWorld) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "3")
    teacher = world.user("teacher")
    first_updated = threading.Event()
    second_started = threading.Event()
    outcome: dict[str, Any] = {}

    def first() -> None:
        try:
            with scopes_disabled(), transaction.atomic():
                mine = Grade.objects.get(pk=grade.pk)
                services.grade_update(actor=teacher, grade=mine, text="4", comment="", version=1)
                first_updated.set()
                second_started.wait(5)
                time.sleep(0.5)  # the second transaction is now waiting on the row lock
            outcome["first"] = "saved"
        except Exception as error:  # pragma: no cover - reported by the assertion below
            outcome["first"] = error
        finally:
            connection.close()

    def second() -> None:
        try:
            first_updated.wait(5)
            with scopes_disabled():
                theirs = Grade.objects.get(pk=grade.pk)  # still reads version 1 (uncommitted)
                assert theirs.version == 1
                second_started.set()
                started = time.monotonic()
                try:
                    services.grade_update(
                        actor=teacher, grade=theirs, text="2", comment="", version=1
                    )
                    outcome["second"] = "saved"
                except services.GradeConflict as conflict:
                    outcome["second"] = conflict
                outcome["waited"] = time.monotonic() - started
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcome["first"] == "saved"
    conflict = outcome["second"]
    assert isinstance(conflict, services.GradeConflict), conflict
    assert outcome["waited"] >= 0.3  # it really waited for the first transaction
    assert isinstance(conflict.current, Grade) and conflict.current.text == "4"
    grade.refresh_from_db()
    assert (grade.text, grade.version) == ("4", 2)
    assert HistoryEntry.objects.filter(code="grades.grade.changed").count() == 1


@pytest.mark.django_db
def test_stale_version_on_any_database(world: SchoolWorld) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "3")
    teacher = world.user("teacher")
    services.grade_update(actor=teacher, grade=grade, text="5", comment="", version=1)
    with pytest.raises(services.GradeConflict):
        services.grade_delete(actor=teacher, grade=grade, reason="x", version=1)
    grade.refresh_from_db()
    assert grade.deleted_at is None and grade.text == "5"
