"""GET /api/v1/students/{id}: the pages' access rules, 404 for everyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kajet.api.tests.helpers import api_get, bearer, token_for

pytestmark = pytest.mark.django_db


def url(student: Any) -> str:
    return f"/api/v1/students/{student.pk}"


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_family_sees_the_record_without_guardians(world: Any, role: str) -> None:
    response = api_get(world.user(role), url(world.student))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == world.student.pk
    assert data["school_class"]["name"] == "6b"
    assert data["class_number"] == 1
    assert data["enrolled"] is True
    assert "guardians" not in data


@pytest.mark.parametrize(
    "role", ["teacher", "homeroom_teacher", "principal", "secretariat", "pedagogue"]
)
def test_staff_see_guardians(world: Any, role: str) -> None:
    response = api_get(world.user(role), url(world.student))
    assert response.status_code == 200
    guardians = response.json()["guardians"]
    assert [g["id"] for g in guardians] == [world.user("guardian").pk]
    assert set(guardians[0]) == {"id", "first_name", "last_name", "email"}


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "homeroom_teacher"])
def test_same_school_but_not_theirs_is_404(world: Any, role: str) -> None:
    # other_student is in a class the teacher does not teach, not the guardian's child.
    response = api_get(world.user(role), url(world.other_student))
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    "role", ["guardian", "student", "teacher", "homeroom_teacher", "principal", "secretariat"]
)
def test_other_school_is_404(world: Any, other_world: Any, role: str) -> None:
    assert api_get(other_world.user(role), url(world.student)).status_code == 404


def test_missing_is_404(world: Any) -> None:
    assert api_get(world.user("principal"), "/api/v1/students/999999").status_code == 404


def test_anonymous_is_401(client: Client, world: Any) -> None:
    assert client.get(url(world.student)).status_code == 401


def test_session_authentication_works(client_for: Any, world: Any) -> None:
    assert client_for(world.user("guardian")).get(url(world.student)).status_code == 200
    assert client_for(world.user("guardian")).get(url(world.other_student)).status_code == 404


def test_query_count(world: Any, django_assert_max_num_queries: Any) -> None:
    token = token_for(world.user("teacher"))
    with django_assert_max_num_queries(8):
        assert Client().get(url(world.student), **bearer(token)).status_code == 200
