"""Browser tests: the pedagogue finds a student, opens the card and writes a note; the
principal's overview — at 360 px and 1280 px, accessible, no horizontal scroll.

Assertions use names, ids, hrefs and the test data, not the UI's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from kajet.support.models import SupportNote
from kajet.testutils.browser import accessibility_problems, path_of, scroll_width, sign_in
from kajet.testutils.factories import PASSWORD, SchoolWorld, make_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> SchoolWorld:
    return make_world("a")


@pytest.mark.parametrize("width", [360, 1280])
def test_pedagogue_finds_a_student_and_writes_a_note(
    new_page: Callable[..., Any], world: SchoolWorld, width: int
) -> None:
    page = new_page(width=width)
    sign_in(page, world.user("pedagogue").login, PASSWORD, staff=True)
    page.goto(reverse("support:index"))
    problems = accessibility_problems(page)
    page.locator(f"main a[href='?klasa={world.school_class.pk}']").click()
    card = reverse("support:student", args=[world.student.pk])
    page.locator(f"main a[href='{card}']").click()
    assert path_of(page) == card
    assert world.student.user.last_name in page.locator("h1").inner_text()
    problems += accessibility_problems(page)
    assert scroll_width(page) <= width
    page.locator("textarea[name=text]").fill("Rozmowa z uczennicą o samopoczuciu w klasie.")
    page.locator(
        f"form[action='{reverse('support:note_add', args=[world.student.pk])}'] [type=submit]"
    ).click()
    page.wait_for_load_state()
    assert path_of(page) == card
    assert "Rozmowa z uczennicą" in page.locator("main").inner_text()
    note = SupportNote.objects.get()
    assert note.author == world.user("pedagogue")
    page.locator(f"main a[href='{reverse('support:note', args=[note.pk])}']").click()
    problems += accessibility_problems(page)
    assert scroll_width(page) <= width
    assert not problems, problems


@pytest.mark.parametrize("width", [360, 1280])
def test_principal_home_is_an_accessible_overview(
    new_page: Callable[..., Any], world: SchoolWorld, width: int
) -> None:
    page = new_page(width=width)
    sign_in(page, world.user("principal").login, PASSWORD, staff=True)
    assert path_of(page) == "/"
    overview = page.locator("main [role=region]")
    assert overview.count() == 1
    assert overview.locator(f"a[href='{reverse('attendance:school')}']").count() >= 1
    assert not accessibility_problems(page)
    assert scroll_width(page) <= width
