"""End to end in Chromium at phone width: a teacher writes a remark from the menu and the
guardian reads it in the Uwagi tab and acknowledges it; the teacher sees who read it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kajet.remarks.models import Remark, RemarkAcknowledgement, RemarkCategory
from kajet.testutils.browser import assert_accessible, horizontal_overflow
from kajet.testutils.factories import SchoolWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_writes_a_remark_and_the_guardian_acknowledges_it_on_a_phone(
    world: SchoolWorld, live_server: Any, signed_in: Callable[..., Any]
) -> None:
    RemarkCategory.objects.create(school=world.school, name="Pochwała", kind="positive", points=5)
    teacher = signed_in(world.user("teacher"), width=360)
    teacher.goto(f"{live_server.url}/uwagi/")
    teacher.get_by_role("link", name="Write a remark").click()
    teacher.get_by_role("link", name=world.school_class.name).click()
    teacher.get_by_label(world.student.user.last_name, exact=False).check()
    teacher.get_by_label("Category").select_option(label="Pochwała (+5)")
    teacher.get_by_label("Remark", exact=True).fill("Pomogła koledze w zadaniu.")
    assert horizontal_overflow(teacher) == 0
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Save the remark").click()
    teacher.get_by_text("Not yet read by the family.").first.wait_for()
    remark = Remark.objects.get()
    assert (remark.kind, remark.points, remark.student_id) == ("positive", 5, world.student.pk)

    guardian = signed_in(world.user("guardian"), width=360)
    guardian.goto(f"{live_server.url}/")
    # On a phone, Remarks is behind "More" in the bottom bar (two taps).
    guardian.locator(".phonenav-more > summary").click()
    guardian.locator(".phonenav-panel").get_by_role("link", name="Remarks").click()
    guardian.get_by_text("Pomogła koledze w zadaniu.").wait_for()
    assert horizontal_overflow(guardian) == 0
    assert_accessible(guardian)
    guardian.get_by_role("button", name="I have read it").click()
    guardian.get_by_text("Read on").first.wait_for()
    assert RemarkAcknowledgement.objects.filter(remark=remark, user=world.user("guardian")).exists()

    teacher.reload()
    teacher.get_by_text(world.user("guardian").full_name).first.wait_for()
