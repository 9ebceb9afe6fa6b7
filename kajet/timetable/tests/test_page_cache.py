"""The timetable's week and the calendar read their lessons and events through the cache keyed
by the school's ``home_version`` (docs/adr/0012-landing-pages-cache.md): every write through
the services the school uses shows on the next visit of a warm page, a page from the cache is
the page read afresh, the key follows the student's groups, and the cost is constant."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.accounts.models import Role
from kajet.school.models import GroupMembership
from kajet.testutils.factories import StudentFactory
from kajet.timetable import services
from kajet.timetable.models import Event, LessonChange, TimetableEntry
from kajet.timetable.tests.conftest import MONDAY, TODAY, Timetable

D = datetime.timedelta
WEEK = reverse("timetable:week") + f"?tydzien={MONDAY.isoformat()}"
CALENDAR_VIEWS = [
    reverse("timetable:calendar") + "?miesiac=2026-11",
    reverse("timetable:calendar_week") + f"?tydzien={MONDAY.isoformat()}",
    reverse("timetable:calendar_list") + f"?od={MONDAY.isoformat()}",
]
# Who sees the class's events and the Monday maths lesson (world.course, taught by TEACHER).
WEEK_VIEWERS = [Role.GUARDIAN, Role.STUDENT, Role.TEACHER]
CALENDAR_VIEWERS = [Role.GUARDIAN, Role.STUDENT, Role.TEACHER, Role.PRINCIPAL]


def _body(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def _without_tokens(body: str) -> str:
    """A page without what differs on every request (the masked CSRF tokens)."""
    return re.sub(r'(csrfmiddlewaretoken" value="|CSRFToken": ")[^"]*"', r"\1", body)


def _add_trip(tt: Timetable, title: str) -> Event:
    w = tt.world
    return services.event_add(
        school=w.school,
        actor=w.user(Role.PRINCIPAL),
        kind=Event.Kind.TRIP,
        scope=Event.Scope.CLASSES,
        title=title,
        starts_on=MONDAY + D(days=2),
        classes=[w.school_class],
        today=TODAY,
    )


@pytest.mark.parametrize("role", WEEK_VIEWERS)
def test_week_shows_every_change_on_the_next_visit(
    tt: Timetable, client_for: Any, role: str
) -> None:
    w = tt.world
    client = client_for(w.user(role))
    assert "Cancelled" not in _body(client, WEEK)
    assert "Cancelled" not in _body(client, WEEK)  # warm
    change = services.lesson_change_add(
        school=w.school,
        actor=w.user(Role.PRINCIPAL),
        entry=tt.math_monday,
        date=MONDAY,
        kind=LessonChange.Kind.CANCELLATION,
        note="wycieczka klasowa",
    )
    body = _body(client, WEEK)
    assert "Cancelled" in body and "wycieczka klasowa" in body
    services.lesson_change_remove(school=w.school, actor=w.user(Role.PRINCIPAL), change=change)
    assert "wycieczka klasowa" not in _body(client, WEEK)
    event = _add_trip(tt, "Wycieczka do kina")
    assert "Wycieczka do kina" in _body(client, WEEK)
    services.event_remove(school=w.school, actor=w.user(Role.PRINCIPAL), event=event)
    assert "Wycieczka do kina" not in _body(client, WEEK)
    services.event_add(
        school=w.school,
        actor=w.user(Role.PRINCIPAL),
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.SCHOOL,
        title="Dzień dyrektorski",
        starts_on=MONDAY,
        today=TODAY,
    )
    assert "Dzień dyrektorski" in _body(client, WEEK)


@pytest.mark.parametrize("url", CALENDAR_VIEWS)
@pytest.mark.parametrize("role", CALENDAR_VIEWERS)
def test_calendar_shows_every_event_write_on_the_next_visit(
    tt: Timetable, client_for: Any, role: str, url: str
) -> None:
    w = tt.world
    client = client_for(w.user(role))
    assert "Wycieczka do kina" not in _body(client, url)
    assert "Wycieczka do kina" not in _body(client, url)  # warm
    event = _add_trip(tt, "Wycieczka do kina")
    assert "Wycieczka do kina" in _body(client, url)
    services.event_update(
        school=w.school,
        actor=w.user(Role.PRINCIPAL),
        event=event,
        kind=Event.Kind.TRIP,
        scope=Event.Scope.CLASSES,
        title="Wycieczka do muzeum",
        starts_on=MONDAY + D(days=2),
        classes=[w.school_class],
        today=TODAY,
    )
    body = _body(client, url)
    assert "Wycieczka do muzeum" in body and "Wycieczka do kina" not in body
    services.event_remove(school=w.school, actor=w.user(Role.PRINCIPAL), event=event)
    assert "Wycieczka do muzeum" not in _body(client, url)


@pytest.mark.parametrize("url", [WEEK, WEEK + "&druk=1", *CALENDAR_VIEWS])
@pytest.mark.parametrize("role", WEEK_VIEWERS)
def test_a_page_from_the_cache_is_the_page_read_afresh(
    tt: Timetable, client_for: Any, role: str, url: str
) -> None:
    w = tt.world
    _add_trip(tt, "Wycieczka do kina")
    services.lesson_change_add(
        school=w.school,
        actor=w.user(Role.PRINCIPAL),
        entry=tt.math_wednesday,
        date=MONDAY + D(days=2),
        kind=LessonChange.Kind.SUBSTITUTION,
        new_teacher=w.user(Role.HOMEROOM_TEACHER),
        new_room=tt.gym,
    )
    client = client_for(w.user(role))
    fresh = _without_tokens(_body(client, url))
    warm = _without_tokens(_body(client, url))
    assert warm == fresh
    cache.clear()
    assert _without_tokens(_body(client, url)) == fresh


def test_the_key_follows_the_students_groups(tt: Timetable, client_for: Any) -> None:
    """A student who leaves a group stops seeing its lessons at once, though a membership
    change does not move the school's version: the groups are part of the key."""
    w = tt.world
    client = client_for(w.user(Role.STUDENT))
    assert "Język niemiecki" in _body(client, WEEK)
    GroupMembership.objects.filter(student=w.student, group=w.group).delete()
    assert "Język niemiecki" not in _body(client, WEEK)
    GroupMembership.objects.create(school=w.school, student=w.student, group=tt.other_group)
    body = _body(client, WEEK)
    assert "Język niemiecki" in body and "NIEM gr. 2" in body


def test_classmates_in_other_groups_do_not_share_an_entry(tt: Timetable, client_for: Any) -> None:
    w = tt.world
    first = _body(client_for(w.user(Role.STUDENT)), WEEK)
    assert "NIEM gr. 1" in first and "NIEM gr. 2" not in first
    classmate = StudentFactory(school_class=w.school_class, class_number=2)
    GroupMembership.objects.create(school=w.school, student=classmate, group=tt.other_group)
    theirs = _body(client_for(classmate.user), WEEK)
    assert "NIEM gr. 2" in theirs and "NIEM gr. 1" not in theirs


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


#: Queries of a warm page: session, user, (roles | the family's children), (the student's
#: groups), the calendar's items of other apps where the role has some (a guardian's class
#: meetings and consultations, a teacher's consultations, the principal's meetings), the
#: unread count of the navigation; nothing of the lessons or events (before: the week 11,
#: the month 8 for a guardian, 7 for a teacher, on dataset M).
WARM: dict[tuple[str, str], int] = {
    (WEEK, Role.GUARDIAN): 5,
    (WEEK, Role.STUDENT): 5,
    (WEEK, Role.TEACHER): 4,
    (CALENDAR_VIEWS[0], Role.GUARDIAN): 7,
    (CALENDAR_VIEWS[0], Role.TEACHER): 5,
    (CALENDAR_VIEWS[0], Role.PRINCIPAL): 6,
}


@pytest.mark.parametrize(("url", "role"), list(WARM))
def test_warm_pages_cost_the_same_whatever_the_data(
    tt: Timetable, client_for: Any, url: str, role: str
) -> None:
    w = tt.world
    client = client_for(w.user(role))
    client.get(url)
    small = _queries(client, url)
    for day in range(5):
        for number in range(3, len(tt.periods) + 1):
            TimetableEntry.objects.create(
                school=w.school,
                plan=tt.plan,
                weekday=day,
                period=tt.periods[number - 1],
                course=w.course,
                room=tt.room,
            )
    for n in range(6):
        _add_trip(tt, f"Wyjście {n}")  # moves the version: the next visit is cold
    client.get(url)
    assert _queries(client, url) == small <= WARM[(url, role)]
