"""The calendar month keeps its grid and agenda rendered in the cache (kajet/timetable/
month_cache.py, docs/adr/0012-landing-pages-cache.md, addendum "the calendar month"): a warm
visit renders and reads no events, yet every change of what the grid shows — an event written
through the services, the month, the language, the child a guardian looks at, the day — shows
on the next visit, and a page from the cache is the page rendered afresh. The class meetings
and consultations (another app's items) are tested in tests/test_calendar_month_items.py."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from kajet.accounts.models import Role
from kajet.school.models import GroupMembership, Guardianship
from kajet.testutils.factories import StudentFactory, guardian_for
from kajet.timetable import selectors, services
from kajet.timetable.models import Event
from kajet.timetable.tests.conftest import MONDAY, TODAY, Timetable
from kajet.timetable.tests.test_page_cache import _add_trip, _body, _queries, _without_tokens
from kajet.timetable.views import calendar as calendar_views

D = datetime.timedelta
MONTH = reverse("timetable:calendar")
NOVEMBER = MONTH + "?miesiac=2026-11"
VIEWERS = [Role.GUARDIAN, Role.STUDENT, Role.TEACHER, Role.PRINCIPAL]


def _no_rendering(monkeypatch: Any) -> None:
    """From now on, rendering the month or reading its events fails the test."""

    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a warm month rendered or read its events")

    monkeypatch.setattr(calendar_views, "_month_body", fail)
    for name in ("events_for_staff", "events_for_student", "events_for_teacher"):
        monkeypatch.setattr(selectors, name, fail)


def _fresh(client: Any, url: str) -> str:
    cache.clear()
    return _without_tokens(_body(client, url))


def _add_event(tt: Timetable, title: str, **fields: Any) -> Event:
    w = tt.world
    values: dict[str, Any] = {
        "kind": Event.Kind.TRIP,
        "scope": Event.Scope.CLASSES,
        "title": title,
        "starts_on": MONDAY + D(days=2),
        "classes": [w.school_class],
        "today": TODAY,
        **fields,
    }
    return services.event_add(school=w.school, actor=w.user(Role.PRINCIPAL), **values)


@pytest.mark.parametrize("role", VIEWERS)
def test_a_warm_month_renders_and_reads_nothing_of_the_calendar(
    tt: Timetable, client_for: Any, monkeypatch: Any, role: str
) -> None:
    _add_trip(tt, "Wycieczka do kina")
    client = client_for(tt.world.user(role))
    first = _without_tokens(_body(client, NOVEMBER))
    assert "Wycieczka do kina" in first
    _no_rendering(monkeypatch)
    assert _without_tokens(_body(client, NOVEMBER)) == first


@pytest.mark.parametrize("role", VIEWERS)
def test_a_month_from_the_cache_is_the_month_rendered_afresh(
    tt: Timetable, client_for: Any, role: str
) -> None:
    # A one-day event, a range over the month's end (the agenda's range card), a day off.
    _add_trip(tt, "Wycieczka do kina")
    _add_event(
        tt,
        "Zielona szkoła",
        starts_on=datetime.date(2026, 11, 26),
        ends_on=datetime.date(2026, 12, 2),
    )
    _add_event(
        tt,
        "Dzień dyrektorski",
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.SCHOOL,
        classes=[],
        starts_on=datetime.date(2026, 11, 20),
    )
    client = client_for(tt.world.user(role))
    with time_machine.travel(datetime.datetime(2026, 11, 17, 9, tzinfo=ZoneInfo("Europe/Warsaw"))):
        cold = _without_tokens(_body(client, NOVEMBER))
        warm = _without_tokens(_body(client, NOVEMBER))
        assert warm == cold
        assert "Zielona szkoła" in warm and "day-off" in warm and 'aria-current="date"' in warm
        assert _fresh(client, NOVEMBER) == warm


@pytest.mark.parametrize("role", VIEWERS)
def test_month_navigation_shows_each_months_own_grid(
    tt: Timetable, client_for: Any, role: str
) -> None:
    _add_event(tt, "Wigilia klasowa", starts_on=datetime.date(2026, 12, 18))
    client = client_for(tt.world.user(role))
    december = MONTH + "?miesiac=2026-12"
    for _visit in range(2):  # cold, then warm
        november, dec = _body(client, NOVEMBER), _body(client, december)
        assert "Wigilia klasowa" not in november and "Wigilia klasowa" in dec
        assert "November 2026" in november and "December 2026" in dec
    assert _fresh(client, december) == _without_tokens(_body(client, december))


def test_each_language_has_its_own_month(tt: Timetable, client_for: Any) -> None:
    _add_trip(tt, "Wycieczka do kina")
    client = client_for(tt.world.user(Role.GUARDIAN))
    pages = {}
    for language in ("en", "pl", "en", "pl"):  # each cold, then warm
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        pages[language] = _without_tokens(_body(client, NOVEMBER))
    assert '<th scope="col">Mon</th>' in pages["en"] and 'tt-ev-kind">trip' in pages["en"]
    assert '<th scope="col">Pon</th>' in pages["pl"] and 'tt-ev-kind">wycieczka' in pages["pl"]
    assert _fresh(client, NOVEMBER) == pages["pl"]


def test_a_guardian_sees_the_month_of_the_child_they_switch_to(
    tt: Timetable, client_for: Any
) -> None:
    w = tt.world
    Guardianship.objects.create(
        school=w.school, guardian=w.user(Role.GUARDIAN), student=w.other_student
    )
    _add_trip(tt, "Wycieczka 6b")
    _add_event(tt, "Wycieczka 2a", classes=[w.other_class])
    client = client_for(w.user(Role.GUARDIAN))
    for _visit in range(2):
        for child, shown, hidden in (
            (w.other_student, "Wycieczka 2a", "Wycieczka 6b"),
            (w.student, "Wycieczka 6b", "Wycieczka 2a"),
        ):
            switched = client.post(reverse("dashboard:switch_child", args=[child.pk]))
            assert switched.status_code == 302
            body = _body(client, NOVEMBER)
            assert shown in body and hidden not in body


def test_guardians_of_classmates_in_the_same_groups_share_the_month(
    tt: Timetable, client_for: Any, monkeypatch: Any
) -> None:
    w = tt.world
    _add_trip(tt, "Wycieczka do kina")
    classmate = StudentFactory(school_class=w.school_class, class_number=2)
    GroupMembership.objects.create(school=w.school, student=classmate, group=w.group)
    first = _body(client_for(w.user(Role.GUARDIAN)), NOVEMBER)
    _no_rendering(monkeypatch)
    theirs = _body(client_for(guardian_for(classmate)), NOVEMBER)
    assert "Wycieczka do kina" in theirs
    assert theirs.count("tt-ev-trip") == first.count("tt-ev-trip")


def test_the_next_day_moves_today(tt: Timetable, client_for: Any) -> None:
    warsaw = ZoneInfo("Europe/Warsaw")
    client = client_for(tt.world.user(Role.STUDENT))
    # Two minutes apart, across midnight: the day before's entry has not expired.
    for day, at in ((17, datetime.time(23, 59)), (18, datetime.time(0, 1))):
        moment = datetime.datetime.combine(datetime.date(2026, 11, day), at, tzinfo=warsaw)
        with time_machine.travel(moment, tick=False):
            _body(client, NOVEMBER)
            body = _body(client, NOVEMBER)
            badge = f'<span class="tt-day-number">{day} <span class="badge">Today</span>'
            assert badge in body
            assert body.count('class="badge">Today') == 1
    with time_machine.travel(moment, tick=False):
        assert _fresh(client, NOVEMBER) == _without_tokens(body)


@pytest.mark.parametrize("role", VIEWERS)
def test_event_writes_show_on_the_next_visit_of_a_warm_month(
    tt: Timetable, client_for: Any, role: str
) -> None:
    w = tt.world
    client = client_for(w.user(role))
    _body(client, NOVEMBER)
    assert "Dzień dyrektorski" not in _body(client, NOVEMBER)  # warm
    day_off = _add_event(
        tt,
        "Dzień dyrektorski",
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.SCHOOL,
        classes=[],
        starts_on=MONDAY + D(days=4),
    )
    body = _body(client, NOVEMBER)
    assert "Dzień dyrektorski" in body and "day-off" in body
    services.event_remove(school=w.school, actor=w.user(Role.PRINCIPAL), event=day_off)
    body = _body(client, NOVEMBER)
    assert "Dzień dyrektorski" not in body and "day-off" not in body


#: A warm month's queries (as in test_page_cache.WARM): session, user, roles or the family's
#: children, the student's groups, the other apps' items where the role has some, the unread
#: count — the same with the grid rendered from the cache.
WARM = {Role.GUARDIAN: 7, Role.STUDENT: 5, Role.TEACHER: 5, Role.PRINCIPAL: 6}


@pytest.mark.parametrize("role", list(WARM))
def test_a_warm_month_costs_a_fixed_number_of_queries(
    tt: Timetable, client_for: Any, role: str
) -> None:
    client = client_for(tt.world.user(role))
    counts = []
    for many in (1, 8):
        for n in range(many):
            _add_event(tt, f"Wyjście {many}-{n}", starts_on=MONDAY + D(days=n % 10))
        client.get(NOVEMBER)
        counts.append(_queries(client, NOVEMBER))
    assert counts[0] == counts[1] == WARM[role]
