"""Polish alphabetical order, in Python and in both databases."""

from __future__ import annotations

import random

import pytest
from django_scopes import scopes_disabled

from kajet.accounts.models import User
from kajet.core.collation import polish_compare, polish_key
from kajet.school.models import Subject
from kajet.testutils.factories import SchoolFactory, SubjectFactory, UserFactory

# Each list is in Polish alphabetical order; code-point order gets every one of them wrong.
POLISH_ORDER = [
    ["Bąk", "Brzeziński"],
    ["Włodarczyk", "Wróbel"],
    ["Cichy", "Ćwik", "Dąbrowski"],
    ["Ewa", "Ęka", "Fik"],
    ["Lis", "Łoś", "Mazur"],
    ["Nowak", "Ńoka", "Ostrowski"],
    ["Ostrowski", "Ósmy", "Pawlak"],
    ["Sowa", "Śliwa", "Tomczak"],
    ["Zając", "Źrebiec", "Żak"],
    ["andrzej", "Andrzej", "Ąbel"],
    ["Nowak", "Nowak-Kowalska", "Nowakowski"],
    ["Kowalski", "Kowalśki"],
    ["Le", "Lé", "Lf"],
    ["Język angielski", "Język polski", "Matematyka", "Religia", "Wychowanie fizyczne"],
]


@pytest.mark.parametrize("ordered", POLISH_ORDER, ids=lambda o: " < ".join(o))
def test_polish_key_orders_like_the_polish_alphabet(ordered: list[str]) -> None:
    shuffled = random.Random(len(ordered)).sample(ordered, len(ordered))
    assert sorted(shuffled, key=polish_key) == ordered
    assert sorted(ordered[1:] + ordered[:1], key=polish_key) == ordered


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("Bąk", "Bąk", 0), ("Bąk", "Brzeziński", -1), ("Żak", "Zając", 1), ("a", "A", -1)],
)
def test_polish_compare_is_a_total_order(a: str, b: str, expected: int) -> None:
    assert polish_compare(a, b) == expected
    assert polish_compare(b, a) == -expected


def test_code_point_order_is_wrong_for_these_names() -> None:
    """The table above must be one that would catch sorting by code point."""
    wrong = [o for o in POLISH_ORDER if sorted(o) != o]
    assert len(wrong) >= 10


NAMES = ["Żak", "Wróbel", "Bąk", "Łoś", "Włodarczyk", "Brzeziński", "Ćwik", "Śliwa", "Zając"]
EXPECTED = ["Bąk", "Brzeziński", "Ćwik", "Łoś", "Śliwa", "Włodarczyk", "Wróbel", "Zając", "Żak"]


@pytest.mark.django_db
def test_database_orders_people_by_polish_alphabet() -> None:
    school = SchoolFactory()
    for name in NAMES:
        UserFactory(school=school, last_name=name)
    ordered = list(
        User.objects.filter(school=school).order_by("last_name").values_list("last_name", flat=True)
    )
    assert ordered == EXPECTED


@pytest.mark.django_db
def test_database_orders_subjects_by_polish_alphabet() -> None:
    school = SchoolFactory()
    names = [
        "Świetlica",
        "Religia",
        "Język angielski",
        "Łacina",
        "Zajęcia techniczne",
        "Żeglarstwo",
    ]
    with scopes_disabled():
        for name in names:
            SubjectFactory(school=school, name=name)
        ordered = list(
            Subject.objects.filter(school=school).order_by("name").values_list("name", flat=True)
        )
    assert ordered == sorted(names, key=polish_key)
    assert ordered == [
        "Język angielski", "Łacina", "Religia", "Świetlica", "Zajęcia techniczne", "Żeglarstwo",
    ]  # fmt: skip
