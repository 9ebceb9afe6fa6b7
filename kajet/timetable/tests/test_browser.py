"""End to end in Chromium: the administrator substitutes a lesson and the guardian sees it;
a teacher adds a test that breaks the load policy, is warned, and confirms."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from kajet.accounts.models import Role
from kajet.timetable.models import CalendarPolicy, Event, LessonChange
from kajet.timetable.tests.conftest import MONDAY, build_timetable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D1 = datetime.timedelta(days=1)


def test_admin_substitutes_and_guardian_sees_it(
    world: Any, live_server: Any, signed_in: Any
) -> None:
    tt = build_timetable(world)
    substitute = tt.other_class_course.teacher
    base = live_server.url
    admin = signed_in(world.user(Role.SCHOOL_ADMIN))
    admin.goto(f"{base}/plan/klasa/{world.school_class.pk}/?tydzien={MONDAY.isoformat()}")
    admin.locator(".hide-narrow a:has-text('Change…')").first.click()
    admin.wait_for_selector("h1:has-text('Change a lesson')")
    admin.check("input[name=kind][value=substitution]")
    admin.select_option("select[name=new_teacher]", str(substitute.pk))
    admin.fill("input[name=note]", "Pani od matematyki na szkoleniu")
    admin.click("button:has-text('Save the change')")
    admin.wait_for_selector("text=The change is saved")
    change = LessonChange.objects.get()
    assert (change.entry_id, change.date, change.new_teacher_id) == (
        tt.math_monday.pk,
        MONDAY,
        substitute.pk,
    )

    parent = signed_in(world.user(Role.GUARDIAN))
    parent.goto(f"{base}/plan/?tydzien={MONDAY.isoformat()}")
    grid = parent.locator(".hide-narrow .tt-substitution")
    assert grid.count() == 1
    text = grid.inner_text()
    assert "Substitution" in text and substitute.full_name in text
    assert "Pani od matematyki na szkoleniu" in text
    assert parent.locator("#changes-h").count() == 1
    # the phone layout shows it too
    narrow = signed_in(world.user(Role.GUARDIAN), width=360)
    narrow.goto(f"{base}/plan/?tydzien={MONDAY.isoformat()}")
    assert narrow.locator(".show-narrow .tt-substitution").is_visible()


def test_teacher_is_warned_by_test_load_policy(
    world: Any, live_server: Any, signed_in: Any
) -> None:
    build_timetable(world)
    CalendarPolicy.objects.create(school=world.school, max_tests_per_day=1, mode="warn")
    day = timezone.localdate() + datetime.timedelta(days=30)
    existing = Event.objects.create(
        school=world.school,
        kind="test",
        scope="classes",
        title="Sprawdzian z historii",
        starts_on=day,
        ends_on=day,
        course=world.course,
    )
    existing.classes.set([world.school_class])
    base = live_server.url
    page = signed_in(world.user(Role.TEACHER))
    page.goto(f"{base}/plan/terminarz/nowe/")
    page.select_option("select[name=kind]", "test")
    page.select_option("select[name=course]", str(world.course.pk))
    page.fill("input[name=title]", "Sprawdzian z ułamków")
    page.fill("input[name=starts_on]", day.isoformat())
    page.click("button:has-text('Save')")
    warning = page.locator("[role=alert]")
    warning.wait_for()
    assert "breaks the school's test-load policy" in warning.inner_text()
    assert "6b" in warning.inner_text()
    assert Event.objects.count() == 1
    page.check("input[name=confirm]")
    page.click("button:has-text('Save')")
    page.wait_for_selector("h1:has-text('Sprawdzian z ułamków')")
    assert Event.objects.filter(title="Sprawdzian z ułamków", starts_on=day).count() == 1


def test_teacher_edits_a_test_on_a_phone(world: Any, live_server: Any, signed_in: Any) -> None:
    """At 360 px: the author moves a test onto a day that already has one, is warned,
    confirms; the event page shows what changed."""
    from kajet.testutils.browser import ARTIFACTS, assert_accessible, horizontal_overflow

    build_timetable(world)
    CalendarPolicy.objects.create(school=world.school, max_tests_per_day=1, mode="warn")
    day = timezone.localdate() + datetime.timedelta(days=30)
    for title, on in (("Sprawdzian z historii", day), ("Sprawdzian z ułamków", day + D1)):
        event = Event.objects.create(
            school=world.school,
            kind="test",
            scope="classes",
            title=title,
            starts_on=on,
            ends_on=on,
            course=world.course,
            author=world.user(Role.TEACHER),
        )
        event.classes.set([world.school_class])
    base = live_server.url
    page = signed_in(world.user(Role.TEACHER), width=360)
    page.goto(f"{base}/plan/terminarz/{event.pk}/")
    page.locator(f"a[href$='/plan/terminarz/{event.pk}/edytuj/']").click()
    page.wait_for_selector("input[name=title]")
    assert page.input_value("input[name=title]") == "Sprawdzian z ułamków"
    assert_accessible(page)
    assert horizontal_overflow(page) == 0
    page.fill("input[name=starts_on]", day.isoformat())
    page.click("button:has-text('Save')")
    warning = page.locator("[role=alert]")
    warning.wait_for()
    assert "breaks the school's test-load policy" in warning.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "event-edit-warning-360.png"), full_page=True)
    assert Event.objects.get(pk=event.pk).starts_on == day + D1
    page.check("input[name=confirm]")
    page.click("button:has-text('Save')")
    page.wait_for_selector("#history-h")
    assert Event.objects.get(pk=event.pk).starts_on == day
    assert horizontal_overflow(page) == 0
    assert_accessible(page)
    page.screenshot(path=str(ARTIFACTS / "event-detail-history-360.png"), full_page=True)
