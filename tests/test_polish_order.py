"""Pages list people and subjects in Polish alphabetical order on both databases: "Bąk" before
"Brzeziński", "Włodarczyk" before "Wróbel" — code-point order gets both wrong."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kajet.accounts.models import Role
from kajet.core.collation import polish_key
from kajet.testutils.factories import SchoolWorld, SubjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SURNAMES = ["Żak", "Wróbel", "Bąk", "Łoś", "Włodarczyk", "Brzeziński", "Ćwik", "Śliwa", "Zając"]
POLISH = ["Bąk", "Brzeziński", "Ćwik", "Łoś", "Śliwa", "Włodarczyk", "Wróbel", "Zając", "Żak"]
SUBJECTS = ["Świetlica", "Religia", "Język angielski", "Łacina", "Zajęcia techniczne", "Etyka"]


def _order_on(page: str, names: list[str]) -> list[str]:
    positions = {name: page.find(f">{name}") for name in names}
    missing = [name for name, at in positions.items() if at < 0]
    assert not missing, f"not on the page: {missing}"
    return sorted(names, key=positions.__getitem__)


def test_polish_order_is_not_code_point_order() -> None:
    assert sorted(SURNAMES, key=polish_key) == POLISH != sorted(SURNAMES)
    assert sorted(SUBJECTS, key=polish_key) != sorted(SUBJECTS)


def test_staff_list_in_polish_order(world: SchoolWorld, client_for: Any) -> None:
    for n, surname in enumerate(SURNAMES):
        UserFactory(
            school=world.school,
            login=f"a.staff{n}",
            first_name="Anna",
            last_name=surname,
            roles=[Role.TEACHER],
        )
    page = client_for(world.user("secretariat")).get(reverse("school:staff_list"))
    assert page.status_code == 200
    full_names = [f"{s} Anna" for s in POLISH]  # listed as "Surname First-name"
    assert _order_on(page.content.decode(), full_names) == full_names


def test_subjects_in_polish_order(world: SchoolWorld, client_for: Any) -> None:
    for name in SUBJECTS:
        SubjectFactory(school=world.school, name=name)
    url = reverse("school:structure_list", args=["przedmioty"])
    page = client_for(world.user("school_admin")).get(url)
    assert page.status_code == 200
    assert _order_on(page.content.decode(), SUBJECTS) == sorted(SUBJECTS, key=polish_key)
