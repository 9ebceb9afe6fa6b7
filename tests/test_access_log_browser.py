"""Browser tests: a teacher opens a student's grades; the guardian finds "who viewed my
child's data" in the account menu and sees the teacher; the principal filters the access log
by that teacher — at 360 px and 1280 px, accessible, no horizontal scroll.

Assertions use names, ids, hrefs and the test data, not the UI's words."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from kajet.testutils.browser import accessibility_problems, path_of, scroll_width, sign_in
from kajet.testutils.factories import PASSWORD, SchoolWorld, make_world

pytestmark = pytest.mark.browser

#: Set to a folder to keep screenshots of the pages (for looking at them).
SHOTS = os.environ.get("KAJET_SHOTS", "")


@pytest.fixture
def world(transactional_db: Any) -> SchoolWorld:
    return make_world("a")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_family_sees_who_viewed_and_the_principal_reviews(
    new_page: Callable[..., Any], world: SchoolWorld, width: int
) -> None:
    teacher = world.user("teacher")
    staff_page = new_page(width=width)
    sign_in(staff_page, teacher.login, PASSWORD, staff=True)
    staff_page.goto(reverse("grades:student", args=[world.student.pk]))

    page = new_page(width=width)
    sign_in(page, world.user("guardian").login, PASSWORD)
    page.locator("details.user-menu > summary").click()
    page.locator(f"details.user-menu a[href='{reverse('audit:family')}']").click()
    page.wait_for_load_state()
    assert path_of(page) == reverse("audit:family")
    rows = page.locator("main tbody tr")
    assert rows.count() == 1 and teacher.full_name in rows.first.inner_text()
    problems = accessibility_problems(page)
    assert scroll_width(page) <= width
    _shot(page, f"family-{width}")

    principal = new_page(width=width)
    sign_in(principal, world.user("principal").login, PASSWORD, staff=True)
    principal.goto(reverse("audit:log"))
    principal.locator("select[name=pracownik]").select_option(str(teacher.pk))
    principal.locator("main form.filters [type=submit]").click()
    principal.wait_for_load_state()
    assert f"pracownik={teacher.pk}" in path_of(principal)
    rows = principal.locator("main tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(f"a[href='?uczen={world.student.pk}']").count() == 1
    problems += accessibility_problems(principal)
    assert scroll_width(principal) <= width
    _shot(principal, f"log-{width}")
    assert not problems, problems
