"""Browser tests: a teacher enters a column for a class and corrects a mark; a guardian sees
the new marks highlighted, opens one and uses the what-if calculator."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kajet.grades.models import Grade, GradesVisit
from kajet.grades.tests.helpers import category, column, mark
from kajet.testutils.factories import SchoolWorld, StudentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_teacher_enters_a_column_and_corrects_a_mark(
    world: SchoolWorld, live_server: Any, signed_in: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    second = StudentFactory(school_class=world.school_class, class_number=2)
    cat = category(world.school, "Test", "3")
    page = signed_in(world.user("teacher"))
    page.goto(live_server.url + reverse("grades:column_new", args=[world.course.pk, world.term.pk]))
    page.select_option("select[name=category]", str(cat.pk))
    page.fill("input[name=description]", "Fractions")
    first_cell = page.locator(f"#mark-{world.student.pk}")
    first_cell.click()
    page.keyboard.type("9")  # a wrong mark first
    page.keyboard.press("Enter")  # Enter moves to the next student, it does not submit
    assert page.evaluate("document.activeElement.id") == f"mark-{second.pk}"
    page.keyboard.type("4-")
    page.click("button:has-text('Save the column')")
    page.wait_for_load_state()
    assert page.locator(f"#err-{world.student.pk}").is_visible()
    assert not Grade.objects.exists()  # all or nothing
    assert page.evaluate("document.activeElement.id") == f"mark-{world.student.pk}"
    page.fill(f"#mark-{world.student.pk}", "2")
    page.click("button:has-text('Save the column')")
    page.wait_for_url("**/okres/**")
    assert Grade.objects.count() == 2
    original = Grade.objects.get(student=world.student)
    # In-place editor (HTMX) → "Correct" → the sheet shows the correction beside the mark.
    page.click(f"#cell-{original.pk} a.mark-button")
    page.wait_for_selector(f"form#cell-{original.pk}")
    page.click(f"form#cell-{original.pk} a:has-text('Correct')")
    page.fill("input[name=text]", "4+")
    page.click("button:has-text('Save the correction')")
    page.wait_for_url("**/okres/**")
    correction = Grade.objects.get(corrects=original)
    assert correction.text == "4+"
    assert page.locator(f"#cell-{original.pk} .correction").inner_text().strip().endswith("4+")


def test_guardian_sees_new_marks_opens_one_and_asks_what_if(
    world: SchoolWorld, live_server: Any, signed_in: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    cat = category(world.school, "Test", "3")
    old = mark(column(world.course, world.term, cat), world.student, "3", comment="Chapter 1")
    Grade.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    GradesVisit.objects.create(
        school=world.school,
        user=world.user("guardian"),
        student=world.student,
        seen_at=timezone.now() - datetime.timedelta(days=3),
    )
    new = mark(column(world.course, world.term, cat, description="Fractions"), world.student, "5")
    page = signed_in(world.user("guardian"))
    page.goto(live_server.url + reverse("grades:index"))
    highlighted = page.locator("a.mark.mark-new")
    assert highlighted.count() == 1
    assert highlighted.first.get_attribute("href") == reverse("grades:mark", args=[new.pk])
    highlighted.first.click()
    detail = page.locator("#mark-detail .mark-card")
    detail.wait_for()
    text = detail.inner_text()
    assert "Fractions" in text and "Test" in text and "Change history" in text
    # What if: another 5 with weight 3 → (3·3 + 5·3 + 5·3) / 9 = 4.33
    page.fill("#wi-mark-1", "5")
    page.fill("#wi-weight-1", "3")
    page.select_option("#wi-target", "5")
    page.click("button:has-text('Calculate')")
    result = page.locator("[data-testid=what-if-new]")
    expect(result).to_contain_text("4.33")
    assert page.locator("[data-testid=what-if-needed]").inner_text().strip()
