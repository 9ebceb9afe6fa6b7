"""Browser test: the administrator of the demo school previews and runs the new school year;
afterwards the new year is current and the demo's families and teachers still work in it.

Assertions use names, ids, hrefs and the data, not the UI's words."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.demo.demo_data import DEMO_PASSWORD, seed_demo
from kajet.school.models import SchoolClass, SchoolYear, Student
from kajet.testutils.browser import accessibility_problems, path_of, scroll_width, sign_in

pytestmark = pytest.mark.browser

ROLLOVER = reverse("school:rollover")


@pytest.fixture
def demo(transactional_db: Any) -> dict[str, str]:
    with scopes_disabled():
        logins = seed_demo(timezone.localdate())
    first = logins[0].school
    return {d.role: d.login for d in logins if d.school == first}


def test_administrator_previews_and_runs_the_new_school_year(
    new_page: Callable[..., Any], demo: dict[str, str]
) -> None:
    with scopes_disabled():
        old = SchoolYear.objects.get(is_current=True, classes__name="6b")
        school = old.school
        zofia = Student.objects.get(
            school=school, school_class__name="6b", user__first_name="Zofia"
        )
    page = new_page(width=360)
    sign_in(page, demo["school_admin"], DEMO_PASSWORD, staff=True)
    page.goto(reverse("school:hub"))
    page.locator(f"main a[href='{ROLLOVER}']").click()
    assert path_of(page) == ROLLOVER
    problems = accessibility_problems(page)
    page.locator("#rollover-form button[name=preview]").click()
    page.wait_for_load_state()
    preview = page.locator(".rollover-preview")
    assert preview.count() == 1
    assert "7b" in preview.inner_text()
    problems += accessibility_problems(page)
    assert scroll_width(page) <= 360
    with scopes_disabled():
        assert SchoolYear.objects.filter(school=school).count() == 1  # nothing written yet
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("button[name=run]").click()
    page.wait_for_load_state()
    assert path_of(page) == ROLLOVER
    problems += accessibility_problems(page)
    assert not problems, problems
    with scopes_disabled():
        new = SchoolYear.objects.get(school=school, is_current=True)
        assert new.starts_on > old.ends_on and new.name != old.name
        zofia.refresh_from_db()
        assert zofia.school_class.year == new and zofia.school_class.name == "7b"
        assert SchoolClass.objects.filter(year=old).exists()  # the old year stays
    # The demo still works in the new year: the guardian and the teacher.
    for role, staff in (("guardian", False), ("teacher", True), ("homeroom_teacher", True)):
        other = new_page(width=1280)
        sign_in(other, demo[role], DEMO_PASSWORD, staff=staff)
        for url in ("/", reverse("timetable:week")):
            response = other.goto(url)
            assert response is not None and response.status == 200, (role, url)
        assert not accessibility_problems(other)
    assert datetime.date.today() <= new.ends_on
