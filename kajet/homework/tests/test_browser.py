"""End to end in Chromium: a student ticks homework done (HTMX, no reload) and their
guardian sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kajet.homework.models import Homework, HomeworkDone
from kajet.homework.tests.conftest import make_homework
from kajet.testutils.factories import SchoolWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_student_ticks_homework_done(
    world: SchoolWorld, live_server: Any, signed_in: Callable[..., Any], width: int
) -> None:
    homework: Homework = make_homework(world, title="Wiersz na pamięć")
    student = signed_in(world.user("student"), width=width)
    student.goto(f"{live_server.url}/zadania/")
    item = student.locator("li.hw-item", has_text="Wiersz na pamięć")
    assert item.locator(".badge-ok").count() == 0
    item.locator("button[type=submit]").click()
    item.locator(".badge-ok").wait_for()
    assert HomeworkDone.objects.filter(homework=homework, student=world.student).exists()
    # The tick survives a reload and can be taken back.
    student.reload()
    item = student.locator("li.hw-item", has_text="Wiersz na pamięć")
    assert item.locator(".badge-ok").count() == 1

    guardian = signed_in(world.user("guardian"), width=width)
    guardian.goto(f"{live_server.url}/zadania/{homework.pk}/")
    assert guardian.locator(".badge-ok").count() == 1
    assert guardian.locator("form[action$='/wykonane/']").count() == 0  # only the student ticks

    item.locator("button[type=submit]").click()
    item.locator(".badge-ok").wait_for(state="detached")
    assert not HomeworkDone.objects.exists()
