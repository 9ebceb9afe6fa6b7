"""Helpers for the school office tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kajet.school.models import SchoolClass
from kajet.testutils.factories import StudentFactory, guardian_for

#: Roles that manage students (the school office and the administrator).
OFFICE = ["secretariat", "school_admin"]
#: Roles that must get 404 on the office pages.
OUTSIDERS = ["teacher", "homeroom_teacher", "guardian", "student", "pedagogue", "principal"]


def fill_class(school_class: SchoolClass, count: int, *, start: int = 10) -> None:
    """``count`` students with one guardian each."""
    for i in range(count):
        student = StudentFactory(school_class=school_class, class_number=start + i)
        guardian_for(student)


@pytest.fixture
def office(world: Any, client_for: Any) -> Client:
    client: Client = client_for(world.user("secretariat"))
    return client
