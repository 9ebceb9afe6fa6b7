"""Browser test at phone width (360 px): the school administrator adds a school type (a
yellow "school trip" counted as present); a teacher cycles a student to it; a stale save is
refused, showing the current mark; a guardian withdraws an excuse after confirming. Every page
is checked for horizontal scrolling and the accessibility smoke check; screenshots go to
test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kajet.attendance import services, stats
from kajet.attendance.models import AttendanceMark, AttendanceType, Excuse
from kajet.attendance.tests.helpers import absent, period, recent_weekday
from kajet.testutils.browser import ARTIFACTS, assert_accessible, horizontal_overflow
from kajet.testutils.factories import SchoolWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page: Any, name: str) -> None:
    assert horizontal_overflow(page) <= 1, f"{name}: the page scrolls sideways at 360 px"
    assert_accessible(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"attendance-{name}-360.png"), full_page=True)


def _admin_adds_a_school_trip_type(world: SchoolWorld, signed_in: Any, base: str) -> AttendanceType:
    admin = signed_in(world.user("school_admin"), width=360)
    admin.goto(base + reverse("attendance:index"))
    assert admin.url.endswith(reverse("attendance:policy"))
    _check(admin, "policy")
    admin.goto(base + reverse("attendance:types"))
    admin.locator(f"main a[href='{reverse('attendance:type_new')}']").click()
    admin.wait_for_load_state()
    admin.fill("#id_name", "school trip")
    admin.fill("#id_code", "wy")
    admin.locator("#id_colour").evaluate("(el) => { el.value = '#fde047'; }")
    admin.select_option("#id_kind", "present")
    _check(admin, "type-form")
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_load_state()
    assert admin.url.endswith(reverse("attendance:types"))
    trip = AttendanceType.objects.get(code="wy")
    assert trip.colour == "#fde047" and trip.kind == stats.PRESENT
    _check(admin, "types")
    admin.context.close()
    return trip


def _teacher_cycles_to_the_new_type_and_saves(
    world: SchoolWorld, signed_in: Any, base: str, trip: AttendanceType
) -> tuple[Any, Any, AttendanceMark]:
    """The teacher's sheet cycles through the school's type too (ob → nb → … → wy)."""
    day = recent_weekday()
    teacher = signed_in(world.user("teacher"), width=360)
    teacher.goto(
        base
        + reverse(
            "attendance:lesson", args=[world.course.pk, day.isoformat(), period(world.course).pk]
        )
    )
    button = teacher.locator(f"tr:has(#s{world.student.pk}) button.att-cycle")
    codes = []
    for _ in range(6):
        button.click()
        codes.append(button.inner_text())
    assert codes == ["nb", "u", "sp", "zw", "wy", "ob"]
    for _ in range(5):
        button.click()
    assert button.inner_text() == "wy"
    # dark text on the yellow chip
    assert button.evaluate("(el) => getComputedStyle(el).color") == "rgb(0, 0, 0)"
    _check(teacher, "lesson")
    teacher.locator("main form[data-attendance-sheet] button[type=submit]").click()
    teacher.wait_for_load_state()
    mark = AttendanceMark.objects.get(student=world.student)
    assert mark.type == trip
    return teacher, button, mark


def _a_stale_save_is_refused(
    world: SchoolWorld, teacher: Any, button: Any, mark: AttendanceMark
) -> None:
    """While the sheet is open, the homeroom teacher marks the student late."""
    teacher.reload()
    lesson = mark.lesson
    types = services.attendance_types_for(world.school)
    services.lesson_save(
        actor=world.user("homeroom_teacher"),
        course=world.course,
        day=lesson.date,
        period=lesson.period,
        topic=lesson.topic,
        marks={world.student.pk: services.standard_type(types, stats.LATE).pk},
        roster=[world.student],
        types=types,
        lesson=lesson,
        versions={world.student.pk: mark.version},
    )
    button.click()  # wy → ob
    teacher.locator("main form[data-attendance-sheet] button[type=submit]").click()
    teacher.wait_for_load_state()
    text = teacher.locator("main").inner_text()
    assert "Nothing was saved" in text and world.student.user.full_name in text
    assert button.inner_text() == "sp"  # the current mark, not the unsaved choice
    _check(teacher, "lesson-conflict")
    assert AttendanceMark.objects.get(pk=mark.pk).type.kind == stats.LATE
    teacher.context.close()


def _guardian_withdraws_a_waiting_excuse(world: SchoolWorld, signed_in: Any, base: str) -> None:
    """The guardian withdraws a waiting excuse, confirming first."""
    other = absent(world.course, world.student, recent_weekday(2), 2)
    excuse = services.excuse_submit(
        actor=world.user("guardian"), student=world.student, mark_ids=[other.pk], reason="Flu"
    )
    guardian = signed_in(world.user("guardian"), width=360)
    guardian.goto(base + reverse("attendance:excuse", args=[excuse.pk]))
    confirm = guardian.locator("main details summary")
    confirm.click()
    _check(guardian, "excuse-withdraw")
    guardian.locator(
        f"main form[action='{reverse('attendance:withdraw', args=[excuse.pk])}'] button"
    ).click()
    guardian.wait_for_load_state()
    assert Excuse.objects.get(pk=excuse.pk).status == "withdrawn"
    assert guardian.locator("main details summary").count() == 0
    # the family's page (its statistics are tested in test_policy.py) fits the phone
    guardian.goto(base + reverse("attendance:family"))
    _check(guardian, "family")
    guardian.context.close()


def test_school_type_and_withdrawal_on_a_phone(
    world: SchoolWorld, signed_in: Any, live_server: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    base = live_server.url
    trip = _admin_adds_a_school_trip_type(world, signed_in, base)
    teacher, button, mark = _teacher_cycles_to_the_new_type_and_saves(world, signed_in, base, trip)
    _a_stale_save_is_refused(world, teacher, button, mark)
    _guardian_withdraws_a_waiting_excuse(world, signed_in, base)
