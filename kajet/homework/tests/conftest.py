from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kajet.homework.models import Homework
from kajet.testutils.browser_fixtures import browser, signed_in

__all__ = ["browser", "homework", "make_homework", "signed_in"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


def make_homework(world: Any, *, days: int = 2, title: str = "Zadanie 1", **kw: Any) -> Homework:
    today = timezone.localdate()
    return Homework.objects.create(
        school=world.school,
        course=kw.pop("course", world.course),
        title=title,
        description=kw.pop("description", "Strona 12, ćw. 3"),
        set_on=kw.pop("set_on", today - datetime.timedelta(days=1)),
        due_on=today + datetime.timedelta(days=days),
        author=world.user("teacher"),
        **kw,
    )


@pytest.fixture
def homework(world: Any) -> Homework:
    return make_homework(world)
