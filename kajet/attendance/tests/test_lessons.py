"""The family's "Lessons" page (Librus's "Realizacja"): the lessons held in the student's
courses with topic, teacher and the student's attendance; three ways, constant queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.attendance import stats
from kajet.attendance.tests.helpers import held_lesson, recent_weekday
from kajet.school.models import LessonPeriod
from kajet.testutils.factories import CourseFactory, SubjectFactory

pytestmark = pytest.mark.django_db

URL = reverse("attendance:lessons")


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_family_sees_lessons_with_topic_teacher_and_attendance(
    world: Any, client_for: Any, role: str
) -> None:
    lesson, _ = held_lesson(world.course, recent_weekday(2), kinds={world.student: stats.ABSENT})
    lesson.topic = "Potęgi o wykładniku naturalnym"
    lesson.save()
    held_lesson(world.course, recent_weekday(1), number=2)  # no mark for the student
    page = client_for(world.user(role)).get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Potęgi o wykładniku naturalnym" in body
    assert world.user("teacher").full_name in body
    assert "att-unexcused" in body  # the absence at the first lesson
    assert body.count("<tr>") == 3  # the header and two lessons


def test_other_class_lessons_are_not_listed_and_subject_filter(world: Any, client_for: Any) -> None:
    other = CourseFactory(school=world.school, school_class=world.other_class)
    lesson, _ = held_lesson(other, recent_weekday(1))
    lesson.topic = "Lekcja innej klasy"
    lesson.save()
    history = SubjectFactory(school=world.school, name="Historia")
    hist_course = CourseFactory(
        school=world.school, school_class=world.school_class, subject=history
    )
    hl, _ = held_lesson(hist_course, recent_weekday(1), number=3)
    hl.topic = "Piastowie"
    hl.save()
    ml, _ = held_lesson(world.course, recent_weekday(1))
    ml.topic = "Ułamki zwykłe"
    ml.save()
    client = client_for(world.user("guardian"))
    body = client.get(URL).content.decode()
    assert "Lekcja innej klasy" not in body
    assert "Piastowie" in body and "Ułamki zwykłe" in body
    filtered = client.get(URL, {"przedmiot": history.pk}).content.decode()
    assert "Piastowie" in filtered and "Ułamki zwykłe" not in filtered


@pytest.mark.parametrize(
    "role", ["teacher", "homeroom_teacher", "principal", "secretariat", "school_admin"]
)
def test_staff_get_404(world: Any, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).get(URL).status_code == 404


def test_other_school_family_sees_only_their_own(
    world: Any, other_world: Any, client_for: Any
) -> None:
    lesson, _ = held_lesson(world.course, recent_weekday(1))
    lesson.topic = "Temat szkoły A"
    lesson.save()
    for role in ("guardian", "student"):
        page = client_for(other_world.user(role)).get(URL)
        assert page.status_code == 200
        assert "Temat szkoły A" not in page.content.decode()


def _count(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_lessons(world: Any, client_for: Any) -> None:
    client = client_for(world.user("guardian"))
    periods = list(LessonPeriod.objects.filter(school=world.school))
    start = datetime.date(2026, 9, 7)

    def fill(days: range) -> None:
        for d in days:
            for p in periods:
                held_lesson(
                    world.course,
                    start + datetime.timedelta(days=d),
                    number=p.number,
                    kinds={world.student: stats.PRESENT},
                )

    fill(range(4))  # 12 lessons
    client.get(URL)
    small = _count(client)
    fill(range(4, 40))  # 120 lessons
    assert _count(client) == small
