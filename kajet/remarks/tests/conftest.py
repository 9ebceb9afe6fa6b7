from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from kajet.remarks.models import Kind, Remark, RemarkCategory
from kajet.testutils.browser_fixtures import browser, signed_in

__all__ = ["browser", "category", "make_remark", "remark", "signed_in"]


@pytest.fixture
def category(world: Any) -> RemarkCategory:
    return RemarkCategory.objects.create(
        school=world.school, name="Zachowanie na lekcji", kind=Kind.NEGATIVE, points=-5
    )


def make_remark(world: Any, category: RemarkCategory, **kw: Any) -> Remark:
    values: dict[str, Any] = {
        "school": world.school,
        "student": world.student,
        "author": world.user("teacher"),
        "category": category,
        "kind": category.kind,
        "text": "Rozmawiała na lekcji.",
        "date": timezone.localdate(),
        "points": category.points,
    }
    values.update(kw)
    return Remark.objects.create(**values)


@pytest.fixture
def remark(world: Any, category: RemarkCategory) -> Remark:
    return make_remark(world, category)
