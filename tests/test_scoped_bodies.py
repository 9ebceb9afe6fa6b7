"""The test bodies' own rule (conftest.pytest_runtest_call): a test that uses ``world`` runs
inside school A's scope, so a read that forgets its school cannot see school B."""

from __future__ import annotations

import pytest
from django_scopes import ScopeError, scopes_disabled

from kajet.school.models import Student
from kajet.testutils.factories import SchoolWorld


def test_a_body_with_world_sees_only_school_a(world: SchoolWorld, other_world: SchoolWorld) -> None:
    assert Student.objects.filter(pk=world.student.pk).exists()
    assert not Student.objects.filter(pk=other_world.student.pk).exists()
    with scopes_disabled():
        assert Student.objects.filter(pk=other_world.student.pk).exists()


@pytest.fixture
def student_pks(world: SchoolWorld, other_world: SchoolWorld) -> set[int]:
    # Fixtures run with scopes disabled: both schools' rows are visible here.
    return set(Student.objects.values_list("pk", flat=True))


def test_fixtures_still_read_both_schools(
    world: SchoolWorld, other_world: SchoolWorld, student_pks: set[int]
) -> None:
    assert {world.student.pk, other_world.student.pk} <= student_pks


@pytest.mark.django_db
def test_a_body_without_world_keeps_scopes_disabled() -> None:
    try:
        list(Student.objects.all())
    except ScopeError:  # pragma: no cover - the rule above would be broken
        pytest.fail("a test without world should run with scopes disabled")
