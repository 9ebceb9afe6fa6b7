"""Timetable API: week (own, child, class, teacher), events, lucky number — three ways, and
a constant number of queries for the week."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from kajet.accounts.models import Role
from kajet.api.tests.helpers import bearer, token_for
from kajet.timetable.models import CalendarPolicy, Event, LessonChange
from kajet.timetable.tests.conftest import MONDAY, Timetable, build_timetable

WEEK_URL = "/api/v1/timetable/week"
EVENTS_URL = "/api/v1/calendar/events"
LUCKY_URL = "/api/v1/lucky-number"


@pytest.fixture
def tt(world: Any) -> Timetable:
    return build_timetable(world)


def api(user: Any, url: str, **params: Any) -> Any:
    return Client().get(url, params, **bearer(token_for(user)))


def test_guardian_gets_child_week_with_changes(tt: Timetable) -> None:
    LessonChange.objects.create(
        school=tt.world.school,
        entry=tt.math_monday,
        date=MONDAY,
        kind="substitution",
        new_teacher=tt.other_class_course.teacher,
    )
    response = api(tt.world.user(Role.GUARDIAN), WEEK_URL, date=MONDAY.isoformat())
    assert response.status_code == 200
    data = response.json()
    assert data["start"] == MONDAY.isoformat()
    lessons = data["lessons"]
    assert [(x["date"], x["period"], x["subject"]) for x in lessons] == [
        ("2026-11-16", 1, "Matematyka"),
        ("2026-11-17", 1, "Język niemiecki"),
        ("2026-11-18", 2, "Matematyka"),
    ]
    assert lessons[0]["status"] == "substitution"
    assert lessons[0]["teacher"] == tt.other_class_course.teacher.full_name
    assert lessons[0]["original_teacher"] == tt.world.course.teacher.full_name
    assert lessons[0]["held"] is True


def test_student_param_three_ways(tt: Timetable, other_world: Any) -> None:
    student_id = tt.world.student.pk
    assert api(tt.world.user(Role.GUARDIAN), WEEK_URL, student=student_id).status_code == 200
    assert api(tt.world.user(Role.TEACHER), WEEK_URL, student=student_id).status_code == 200
    other = tt.world.other_student.pk
    assert api(tt.world.user(Role.GUARDIAN), WEEK_URL, student=other).status_code == 404
    assert api(other_world.user(Role.GUARDIAN), WEEK_URL, student=student_id).status_code == 404
    assert api(other_world.user(Role.PRINCIPAL), WEEK_URL, student=student_id).status_code == 404


def test_class_and_teacher_weeks_three_ways(tt: Timetable, other_world: Any) -> None:
    cls = tt.world.school_class.pk
    teacher = tt.world.user(Role.TEACHER).pk
    principal = tt.world.user(Role.PRINCIPAL)
    data = api(principal, WEEK_URL, school_class=cls, date=MONDAY.isoformat()).json()
    assert len(data["lessons"]) == 4 and data["title"] == "6b"
    data = api(principal, WEEK_URL, teacher=teacher, date=MONDAY.isoformat()).json()
    assert len(data["lessons"]) == 2
    for params in ({"school_class": cls}, {"teacher": teacher}):
        assert api(tt.world.user(Role.GUARDIAN), WEEK_URL, **params).status_code == 404
        assert api(tt.world.user(Role.STUDENT), WEEK_URL, **params).status_code == 404
        assert api(other_world.user(Role.PRINCIPAL), WEEK_URL, **params).status_code == 404


def test_teacher_own_week_and_bad_input(tt: Timetable) -> None:
    teacher = tt.world.user(Role.TEACHER)
    data = api(teacher, WEEK_URL, date=MONDAY.isoformat()).json()
    assert [x["school_class"] for x in data["lessons"]] == ["6b", "6b"]
    assert api(teacher, WEEK_URL, date="not-a-date").status_code == 400
    assert api(teacher, WEEK_URL, school_class=1, teacher=1).status_code == 400
    assert api(tt.world.user(Role.SECRETARIAT), WEEK_URL).status_code == 404


def test_week_constant_queries(tt: Timetable, django_assert_max_num_queries: Any) -> None:
    client = Client()
    headers = bearer(token_for(tt.world.user(Role.GUARDIAN)))
    client.get(WEEK_URL, {"date": MONDAY.isoformat()}, **headers)
    with django_assert_max_num_queries(16):
        client.get(WEEK_URL, {"date": MONDAY.isoformat()}, **headers)


def test_events(tt: Timetable, other_world: Any) -> None:
    w = tt.world
    test = Event.objects.create(
        school=w.school,
        kind="test",
        scope="classes",
        title="Sprawdzian",
        starts_on=MONDAY,
        ends_on=MONDAY,
        course=w.course,
        subject=w.subject,
    )
    test.classes.set([w.school_class])
    trip = Event.objects.create(
        school=w.school,
        kind="trip",
        scope="classes",
        title="Wycieczka",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    trip.classes.set([w.other_class])
    params = {"start": MONDAY.isoformat(), "end": (MONDAY + datetime.timedelta(days=6)).isoformat()}
    family = api(w.user(Role.GUARDIAN), EVENTS_URL, **params).json()
    assert [(e["title"], e["classes"], e["subject"]) for e in family] == [
        ("Sprawdzian", ["6b"], "Matematyka")
    ]
    staff = api(w.user(Role.PRINCIPAL), EVENTS_URL, **params).json()
    assert {e["title"] for e in staff} == {"Sprawdzian", "Wycieczka"}
    assert api(other_world.user(Role.PRINCIPAL), EVENTS_URL, **params).json() == []
    assert api(w.user(Role.GUARDIAN), EVENTS_URL, student=w.other_student.pk).status_code == 404
    assert (
        api(w.user(Role.GUARDIAN), EVENTS_URL, start="2026-12-01", end="2026-11-01").status_code
        == 400
    )


def test_lucky_number(tt: Timetable, other_world: Any) -> None:
    CalendarPolicy.objects.create(school=tt.world.school, lucky_number_enabled=True)
    data = api(tt.world.user(Role.STUDENT), LUCKY_URL, date=MONDAY.isoformat()).json()
    assert data == {
        "enabled": True,
        "date": "2026-11-16",
        "number": 1,
        "next_date": "2026-11-17",
        "next_number": 1,
    }
    other = api(other_world.user(Role.STUDENT), LUCKY_URL, date=MONDAY.isoformat()).json()
    assert other["enabled"] is False and other["number"] is None
    sunday = api(tt.world.user(Role.STUDENT), LUCKY_URL, date="2026-11-15").json()
    assert sunday["number"] is None and sunday["next_date"] == "2026-11-16"


def test_anonymous_refused(tt: Timetable) -> None:
    for url in (WEEK_URL, EVENTS_URL, LUCKY_URL):
        assert Client().get(url).status_code in (401, 403)
