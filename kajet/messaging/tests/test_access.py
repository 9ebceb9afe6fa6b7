"""The messaging permission matrix as a table, and the access helpers' 404s."""

from __future__ import annotations

import pytest
from django.http import Http404
from django_scopes import scope

from kajet.messaging import access, services
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

ROLES = [
    "guardian",
    "student",
    "teacher",
    "homeroom_teacher",
    "pedagogue",
    "psychologist",
    "secretariat",
    "school_admin",
    "principal",
]
MATRIX = {
    "message.read": set(ROLES),
    "message.write": set(ROLES),
    "message.forward": set(ROLES) - {"guardian", "student"},
    "council.manage": {"homeroom_teacher"},
}


@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(world: SchoolWorld, action: str, role: str) -> None:
    assert access.can(world.user(role), action) is (role in MATRIX[action])


def test_table_matches_code() -> None:
    assert {k: set(v) for k, v in access.PERMISSIONS.items()} == MATRIX


def test_copy_and_class_helpers_404(world: SchoolWorld, other_world: SchoolWorld) -> None:
    homeroom = world.user("homeroom_teacher")
    with scope(school=world.school.pk):
        message = services.message_send(
            sender=world.user("guardian"),
            recipients=[f"person:{homeroom.pk}"],
            subject="S",
            body="B",
        )
    assert access.access_copy(homeroom, message.pk).owner_id == homeroom.pk
    for outsider in (world.user("teacher"), other_world.user("homeroom_teacher")):
        with pytest.raises(Http404):
            access.access_copy(outsider, message.pk)
    with pytest.raises(Http404):
        access.access_copy(homeroom, 10**9)
    with pytest.raises(Http404):
        access.access_attachment(homeroom, message.pk, 10**9)
    assert access.access_homeroom_class(homeroom, world.school_class.pk) == world.school_class
    with pytest.raises(Http404):
        access.access_homeroom_class(homeroom, world.other_class.pk)
    with pytest.raises(Http404):
        access.access_homeroom_class(other_world.user("homeroom_teacher"), world.school_class.pk)
