"""One calendar event over the API (GET) and editing it (PATCH): the author, a calendar
manager, a wrong role of the same school, another school (404), the test-load policy."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from kajet.accounts.models import Role
from kajet.api.tests.helpers import bearer, token_for
from kajet.core.models import HistoryEntry
from kajet.timetable import services
from kajet.timetable.models import CalendarPolicy, Event
from kajet.timetable.tests.conftest import TODAY, Timetable, build_timetable

pytestmark = pytest.mark.django_db

D = datetime.timedelta
FAR = TODAY + D(days=14)


@pytest.fixture
def tt(world: Any) -> Timetable:
    return build_timetable(world)


@pytest.fixture
def on_today() -> Iterator[None]:
    with time_machine.travel(
        datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw")), tick=False
    ):
        yield


def url(event: Event) -> str:
    return f"/api/v1/calendar/events/{event.pk}"


def call(user: Any, method: str, address: str, data: Any = None) -> Any:
    kwargs: dict[str, Any] = bearer(token_for(user))
    if data is not None:
        kwargs.update(data=data, content_type="application/json")
    return getattr(Client(), method)(address, **kwargs)


def add_test(tt: Timetable, day: datetime.date, title: str = "Sprawdzian") -> Event:
    w = tt.world
    return services.event_add(
        school=w.school,
        actor=w.user(Role.TEACHER),
        kind="test",
        scope=Event.Scope.CLASSES,
        title=title,
        starts_on=day,
        today=TODAY,
        classes=[w.school_class],
        course=w.course,
        confirmed=True,
    )


def test_get_one_event_three_ways(tt: Timetable, other_world: Any) -> None:
    event = add_test(tt, FAR)
    data = call(tt.world.user(Role.GUARDIAN), "get", url(event)).json()
    assert data["title"] == "Sprawdzian" and data["classes"] == ["6b"]
    assert call(tt.world.user(Role.TEACHER), "get", url(event)).status_code == 200
    assert call(other_world.user(Role.PRINCIPAL), "get", url(event)).status_code == 404
    assert call(other_world.user(Role.GUARDIAN), "get", url(event)).status_code == 404


def test_author_patches_the_title_and_date(tt: Timetable, on_today: Any) -> None:
    event = add_test(tt, FAR)
    response = call(
        tt.world.user(Role.TEACHER),
        "patch",
        url(event),
        {"title": "Sprawdzian z ułamków", "starts_on": (FAR + D(days=1)).isoformat()},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "Sprawdzian z ułamków"
    assert data["starts_on"] == data["ends_on"] == (FAR + D(days=1)).isoformat()
    assert data["classes"] == ["6b"] and data["subject"] == tt.world.subject.name
    entry = HistoryEntry.objects.get(code="timetable.event.updated", object_id=event.pk)
    assert entry.actor == tt.world.user(Role.TEACHER)
    assert entry.old["title"] == "Sprawdzian"


def test_manager_patches_someone_elses_event(tt: Timetable, on_today: Any) -> None:
    event = add_test(tt, FAR)
    response = call(
        tt.world.user(Role.PRINCIPAL), "patch", url(event), {"description": "Rozdział 3"}
    )
    assert response.status_code == 200, response.content
    assert Event.objects.get(pk=event.pk).description == "Rozdział 3"


@pytest.mark.parametrize("role", [Role.HOMEROOM_TEACHER, Role.GUARDIAN, Role.STUDENT])
def test_wrong_role_gets_404(tt: Timetable, role: str) -> None:
    event = add_test(tt, FAR)
    response = call(tt.world.user(role), "patch", url(event), {"title": "x"})
    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).title == "Sprawdzian"


@pytest.mark.parametrize("role", [Role.PRINCIPAL, Role.TEACHER])
def test_other_school_gets_404(tt: Timetable, other_world: Any, role: str) -> None:
    event = add_test(tt, FAR)
    response = call(other_world.user(role), "patch", url(event), {"title": "x"})
    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).title == "Sprawdzian"


def test_load_policy_warns_then_confirm_saves(tt: Timetable, on_today: Any) -> None:
    add_test(tt, FAR, title="Pierwszy")
    event = add_test(tt, FAR + D(days=1), title="Drugi")
    teacher = tt.world.user(Role.TEACHER)
    response = call(teacher, "patch", url(event), {"starts_on": FAR.isoformat()})
    assert response.status_code == 400
    data = response.json()
    assert data["refused"] is False and "6b" in data["warnings"][0]
    assert Event.objects.get(pk=event.pk).starts_on == FAR + D(days=1)
    response = call(teacher, "patch", url(event), {"starts_on": FAR.isoformat(), "confirm": True})
    assert response.status_code == 200, response.content
    assert Event.objects.get(pk=event.pk).starts_on == FAR


def test_load_policy_refuses(tt: Timetable, on_today: Any) -> None:
    CalendarPolicy.objects.create(school=tt.world.school, mode="refuse")
    add_test(tt, FAR, title="Pierwszy")
    event = add_test(tt, FAR + D(days=1), title="Drugi")
    response = call(
        tt.world.user(Role.TEACHER),
        "patch",
        url(event),
        {"starts_on": FAR.isoformat(), "confirm": True},
    )
    assert response.status_code == 400
    assert response.json()["refused"] is True
    assert Event.objects.get(pk=event.pk).starts_on == FAR + D(days=1)


def test_bad_input_is_a_clear_400(tt: Timetable, other_world: Any, on_today: Any) -> None:
    event = add_test(tt, FAR)
    teacher = tt.world.user(Role.TEACHER)
    before = FAR.isoformat()
    response = call(teacher, "patch", url(event), {"ends_on": (FAR - D(days=1)).isoformat()})
    assert response.status_code == 400 and "end date" in response.json()["detail"]
    # a course the teacher does not teach, another school's course, a school-wide scope
    for data in (
        {"course_id": tt.other_class_course.pk},
        {"course_id": other_world.course.pk},
        {"kind": "trip", "course_id": None, "scope": "school"},
        {"period": 99},
    ):
        assert call(teacher, "patch", url(event), data).status_code == 400, data
    event.refresh_from_db()
    assert (event.starts_on.isoformat(), event.course_id) == (before, tt.world.course.pk)
    assert not HistoryEntry.objects.filter(code="timetable.event.updated").exists()
