"""Issue 17: the queries of each main page do not depend on the number of schools or on their
size. The pages of every bench role of a 50-student school are counted (cold cache and
warm); a second, three times bigger school is added; its pages cost the same queries as the
first school's, and the first school's pages still cost what they did. ``bench/query_counts.py``
prints the same counts for a seeded M or L database."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.demo.management.commands.seed_bench import (
    BENCH_PASSWORD,
    SeedTimes,
    school_spec,
    seed_bench_school,
)
from kajet.demo.page_queries import PAGES, role_counts
from kajet.demo.seeding.school import SchoolSpec
from kajet.school.models import Guardianship, Student

pytestmark = pytest.mark.django_db

ROLES = ("guardian", "student", "teacher", "homeroom_teacher", "principal")


def _seed(spec: SchoolSpec, today: datetime.date) -> dict[str, str]:
    with scopes_disabled():
        logins = seed_bench_school(spec, size="xs", today=today, times=SeedTimes())
    return {row["role"]: row["login"] for row in logins}


def _counts(logins: dict[str, str], today: datetime.date) -> dict[str, dict[str, tuple[int, int]]]:
    return {role: role_counts(logins[role], BENCH_PASSWORD, role, today=today) for role in ROLES}


def test_page_queries_do_not_grow_with_schools_or_their_size() -> None:
    today = timezone.localdate()
    small = school_spec("xs", 1)
    first = _seed(small, today)
    before = _counts(first, today)

    big = dataclasses.replace(
        school_spec("xs", 2),
        class_names=["8a", "8b", "7a", "4a"],
        students_total=150,
        teachers=14,
        sibling_class="4a",
    )
    second = _seed(big, today)
    with scopes_disabled():
        assert Student.objects.filter(school__short_name=big.short_name).count() == 150
        # The bench guardian of each school has two children.
        for logins in (first, second):
            assert Guardianship.objects.filter(guardian__login=logins["guardian"]).count() == 2

    # Every page of every role was counted, and the counts are the same in both schools.
    assert sum(len(pages) for pages in before.values()) == sum(len(p.roles) for p in PAGES)
    assert _counts(second, today) == before
    assert _counts(first, today) == before
