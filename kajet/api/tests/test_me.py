"""GET /api/v1/me: who am I, my roles and school, and my students."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kajet.api.tests.helpers import api_get, bearer, token_for
from kajet.testutils.factories import StudentFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def test_guardian_sees_their_children(world: Any) -> None:
    data = api_get(world.user("guardian"), ME).json()
    assert data["kind"] == "guardian"
    assert data["roles"] == ["guardian"]
    assert data["school"] == {"id": world.school.pk, "name": world.school.name}
    assert [s["id"] for s in data["students"]] == [world.student.pk]
    child = data["students"][0]
    assert child["school_class"] == {"id": world.school_class.pk, "name": "6b"}
    assert child["first_name"] == world.student.user.first_name
    assert child["class_number"] == 1
    assert "guardians" not in child


def test_guardian_of_two_sees_both(world: Any) -> None:
    guardian = world.user("guardian")
    second = StudentFactory(school_class=world.other_class, class_number=7)
    from kajet.school.models import Guardianship

    Guardianship.objects.create(school=world.school, guardian=guardian, student=second)
    ids = {s["id"] for s in api_get(guardian, ME).json()["students"]}
    assert ids == {world.student.pk, second.pk}


def test_student_sees_own_record(world: Any) -> None:
    data = api_get(world.user("student"), ME).json()
    assert data["roles"] == ["student"]
    assert [s["id"] for s in data["students"]] == [world.student.pk]


@pytest.mark.parametrize(
    ("role", "roles"),
    [
        ("teacher", ["teacher"]),
        ("homeroom_teacher", ["homeroom_teacher", "teacher"]),
        ("principal", ["principal"]),
    ],
)
def test_staff(world: Any, role: str, roles: list[str]) -> None:
    data = api_get(world.user(role), ME).json()
    assert data["kind"] == "staff"
    assert data["roles"] == roles
    assert data["students"] == []


def test_other_school_sees_only_its_own(world: Any, other_world: Any) -> None:
    data = api_get(other_world.user("guardian"), ME).json()
    assert data["school"]["id"] == other_world.school.pk
    assert [s["id"] for s in data["students"]] == [other_world.student.pk]


def test_session_authentication_works(client_for: Any, world: Any) -> None:
    response = client_for(world.user("guardian")).get(ME)
    assert response.status_code == 200
    assert response.json()["login"] == world.user("guardian").login


def test_anonymous_is_401(client: Client) -> None:
    assert client.get(ME).status_code == 401


def test_query_count_is_constant(world: Any, django_assert_max_num_queries: Any) -> None:
    from kajet.school.models import Guardianship

    guardian = world.user("guardian")
    for n in range(5):
        child = StudentFactory(school_class=world.other_class, class_number=10 + n)
        Guardianship.objects.create(school=world.school, guardian=guardian, student=child)
    token = token_for(guardian)
    with django_assert_max_num_queries(4):
        response = Client().get(ME, **bearer(token))
    assert len(response.json()["students"]) == 6
