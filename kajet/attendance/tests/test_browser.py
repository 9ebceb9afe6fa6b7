"""Browser test: a teacher takes attendance (clicking a student's code); a guardian excuses
two absent days with a note; the homeroom teacher approves; the guardian sees them excused."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from kajet.attendance import stats
from kajet.attendance.models import AttendanceMark, Excuse, Lesson
from kajet.attendance.tests.helpers import absent, period, recent_weekday
from kajet.testutils.factories import SchoolWorld, StudentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_take_excuse_approve(
    world: SchoolWorld, live_server: Any, signed_in: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    base = live_server.url
    second = StudentFactory(school_class=world.school_class, class_number=2)
    day1 = recent_weekday(1)
    day2 = day1 - datetime.timedelta(days=1)
    while day2.weekday() >= 5:
        day2 -= datetime.timedelta(days=1)

    # The teacher takes attendance: one click turns the student from present to absent.
    page = signed_in(world.user("teacher"))
    page.goto(
        base
        + reverse(
            "attendance:lesson",
            args=[world.course.pk, day1.isoformat(), period(world.course).pk],
        )
    )
    page.fill("#topic", "Fractions")
    button = page.locator(f"tr:has(#s{world.student.pk}) button.att-cycle")
    assert button.inner_text() == "ob"
    button.click()
    assert button.inner_text() == "nb"
    page.click("main form[data-attendance-sheet] button[type=submit]")
    page.wait_for_load_state()
    lesson = Lesson.objects.get(course=world.course, date=day1)
    assert lesson.topic == "Fractions"
    kinds = {m.student_id: m.type.kind for m in AttendanceMark.objects.filter(lesson=lesson)}
    assert kinds == {world.student.pk: stats.ABSENT, second.pk: stats.PRESENT}
    # the student was absent another day too (period 2 of the day before)
    absent(world.course, world.student, day2, 2)

    # The guardian excuses both days with a note.
    page = signed_in(world.user("guardian"))
    page.goto(base + reverse("attendance:excuse_new"))
    page.check(f"#day-{day1.isoformat()}")
    page.check(f"#day-{day2.isoformat()}")
    page.fill("#reason", "Flu, two days at home.")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/usprawiedliwienia/*/")
    excuse = Excuse.objects.get()
    assert excuse.items.count() == 2 and excuse.reason == "Flu, two days at home."

    # The homeroom teacher approves from the queue.
    page = signed_in(world.user("homeroom_teacher"))
    page.goto(base + reverse("attendance:queue"))
    page.click(f"main a[href='{reverse('attendance:excuse', args=[excuse.pk])}']")
    page.fill("#note", "Get well soon.")
    page.click("button[name=decision][value=approve]")
    page.wait_for_load_state()
    excuse.refresh_from_db()
    assert excuse.status == "approved"

    # The guardian sees the status and the absences excused.
    page = signed_in(world.user("guardian"))
    page.goto(base + reverse("attendance:excuses"))
    assert "approved" in page.locator("main").inner_text()
    page.goto(base + reverse("attendance:family") + f"?tydzien={day1.isoformat()}")
    assert page.locator("#unexcused-h .badge").inner_text() == "0"
    assert page.locator(".att-grid .att-code").all_inner_texts() == ["u", "u"]
    assert set(
        AttendanceMark.objects.filter(student=world.student).values_list("type__kind", flat=True)
    ) == {stats.EXCUSED}
