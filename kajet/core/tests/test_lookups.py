from __future__ import annotations

from typing import Any

import pytest

from kajet.accounts.models import User

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
    User.objects.create(
        login="x1", school=world.school, kind="guardian", first_name="Ola", last_name="Żak"
    )
    assert User.objects.filter(login="x1", last_name__fcontains=needle).exists() is found
