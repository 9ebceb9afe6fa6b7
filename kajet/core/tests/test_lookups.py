from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("needle", "found"),
    [
        ("żak", True),
        ("ŻAK", True),
        ("Żak", True),
        ("ak", True),
        ("zak", False),
        ("%", False),
        ("_ak", False),
        ("ŁUKASZ", False),
    ],
)
def test_folded_contains_is_unicode_case_insensitive(world: Any, needle: str, found: bool) -> None:
    user = world.student.user
    user.first_name, user.last_name = "Ola", "Żak"
    user.save()
    users = type(user).objects.filter(pk=user.pk, last_name__fcontains=needle)
    assert users.exists() is found
