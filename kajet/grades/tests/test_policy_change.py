"""A changed grading policy (issue 14.11): the current year's marks follow it, in one
statement, with the change and the count in the history; the page says so before saving."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from kajet.core.models import HistoryEntry
from kajet.grades.models import Grade
from kajet.grades.scale import Policy
from kajet.grades.services import policy_update
from kajet.grades.services.policy import marks_recompute
from kajet.grades.tests.helpers import category, column, mark
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db


def test_marks_follow_the_new_values(world: SchoolWorld, django_assert_num_queries: Any) -> None:
    cat = category(world.school)
    first = mark(column(world.course, world.term, cat), world.student, "4+")
    second = mark(column(world.course, world.term, cat), world.student, "3-")
    absent = mark(column(world.course, world.term, cat), world.student, "np")
    policy_update(
        actor=world.user("school_admin"),
        school=world.school,
        changes={"plus_value": Decimal("0.75"), "minus_value": Decimal("0.5")},
    )
    values = dict(Grade.objects.values_list("pk", "value"))
    assert values[first.pk] == Decimal("4.75")
    assert values[second.pk] == Decimal("2.50")
    assert values[absent.pk] is None
    entry = HistoryEntry.objects.filter(code="grades.policy.changed").latest("pk")
    assert entry.new["marks_recomputed"] == 3
    assert Decimal(entry.old["plus_value"]) == Decimal("0.5")
    # one statement whatever the number of marks
    with django_assert_num_queries(1):
        marks_recompute(school=world.school, policy=Policy(plus_value=Decimal("0.5")))
    assert Grade.objects.get(pk=first.pk).value == Decimal("4.50")


def test_a_mark_made_valueless_loses_its_value(world: SchoolWorld) -> None:
    cat = category(world.school)
    plus = mark(column(world.course, world.term, cat), world.student, "6")
    marks_recompute(school=world.school, policy=Policy(valueless=("np", "6")))
    assert Grade.objects.get(pk=plus.pk).value is None


def test_other_changes_recompute_nothing(world: SchoolWorld) -> None:
    cat = category(world.school)
    mark(column(world.course, world.term, cat), world.student, "4+")
    Grade.objects.update(value=Decimal("1.00"))  # as if stored under another rule
    policy_update(
        actor=world.user("school_admin"),
        school=world.school,
        changes={"show_averages_to_family": False},
    )
    assert Grade.objects.get().value == Decimal("1.00")


def test_the_page_warns_before_saving(world: SchoolWorld, client_for: Any) -> None:
    page = client_for(world.user("school_admin")).get(reverse("grades:policy"))
    assert "recomputes" in page.content.decode()
