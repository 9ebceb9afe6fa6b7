"""The teacher's day (``/frekwencja/dzis/``) reads the day's lessons from the timetable through
the cache keyed by the school's ``home_version`` (docs/adr/0012-landing-pages-cache.md): a
change of the plan through the timetable's services shows on the next visit, what was held
is read on every visit, and a warm page reads nothing of the timetable."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.accounts.models import Role
from kajet.attendance.tests.helpers import held_lesson
from kajet.timetable import services
from kajet.timetable.models import LessonChange
from kajet.timetable.tests.conftest import MONDAY, build_timetable

TODAY_PAGE = reverse("attendance:today") + f"?data={MONDAY.isoformat()}"


def _queries(client: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(TODAY_PAGE)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_day_follows_timetable_changes_and_held_lessons(world: Any, client_for: Any) -> None:
    tt = build_timetable(world)
    teacher = world.user(Role.TEACHER)
    client = client_for(teacher)
    sheet = reverse(
        "attendance:lesson",
        args=[world.course.pk, MONDAY.isoformat(), tt.math_monday.period_id],
    )
    cold, body = _queries(client)
    assert sheet in body and "✓" not in body
    warm, body = _queries(client)
    assert sheet in body
    assert warm < cold and warm <= 9  # plans, entries, changes, days off: from the cache
    # A cancellation through the timetable's service moves the version: gone at once.
    change = services.lesson_change_add(
        school=world.school,
        actor=world.user(Role.PRINCIPAL),
        entry=tt.math_monday,
        date=MONDAY,
        kind=LessonChange.Kind.CANCELLATION,
    )
    assert sheet not in _queries(client)[1]
    services.lesson_change_remove(
        school=world.school, actor=world.user(Role.PRINCIPAL), change=change
    )
    assert sheet in _queries(client)[1]
    # Attendance taken is the teacher's own and read on every visit, at the same cost.
    held_lesson(world.course, MONDAY, kinds={world.student: "absent"})
    count, body = _queries(client)
    assert "✓" in body and count == warm
