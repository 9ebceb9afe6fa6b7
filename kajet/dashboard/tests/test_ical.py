from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.dashboard.tests.conftest import MONDAY, WARSAW, Day, fill_school
from kajet.feeds.models import CalendarFeedToken
from kajet.feeds.services import feed_token_regenerate
from kajet.homework.models import Homework
from kajet.school.models import Guardianship
from kajet.testutils.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


SETTINGS = reverse("dashboard:feed_settings")


def feed_url(token: str) -> str:
    return reverse("dashboard:ical_feed", args=[token])


def parse(content: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(content)


def events_of(cal: icalendar.Calendar) -> list[icalendar.Event]:
    return list(cal.walk("VEVENT"))


def test_student_feed_is_valid_icalendar_in_warsaw_time(world: Any, client: Any, day: Day) -> None:
    token = feed_token_regenerate(actor=world.user("student"))
    response = client.get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = parse(response.content)
    assert cal["VERSION"] == "2.0"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Warsaw"]
    events = events_of(cal)
    assert len({str(e["UID"]) for e in events}) == len(events)  # UIDs are unique
    lessons = [e for e in events if "lesson" in str(e.get("CATEGORIES").cats)]
    first = min(
        (e for e in lessons if e.decoded("DTSTART").date() == MONDAY),
        key=lambda e: e.decoded("DTSTART"),
    )
    start = first.decoded("DTSTART")
    # 8:00 wall-clock in Warsaw, in winter UTC+1, sent with TZID (not converted to UTC).
    assert start == datetime.datetime(2026, 11, 30, 8, 0, tzinfo=WARSAW)
    assert str(start.tzinfo) == "Europe/Warsaw"
    assert first["DTSTART"].params["TZID"] == "Europe/Warsaw"
    assert "substitution" in str(first["SUMMARY"])
    assert day.substitute.full_name in str(first["DESCRIPTION"])
    cancelled = [e for e in lessons if str(e.get("STATUS")) == "CANCELLED"]
    assert len(cancelled) == 1
    assert cancelled[0].decoded("DTSTART").date() == MONDAY + datetime.timedelta(days=1)
    # A summer date has UTC+2: the zone, not a fixed offset, is what is sent.
    summaries = [str(e["SUMMARY"]) for e in events]
    assert any(s.startswith("Test: ") and "Sprawdzian 0" in s for s in summaries)
    homework = [e for e in events if "homework" in str(e.get("CATEGORIES").cats)]
    assert len(homework) == Homework.objects.count()
    assert all(isinstance(e.decoded("DTSTART"), datetime.date) for e in homework)
    day_off = next(e for e in events if "Dzień wolny" in str(e["SUMMARY"]))
    assert day_off.decoded("DTSTART") == MONDAY + datetime.timedelta(days=10)
    assert day_off.decoded("DTEND") == MONDAY + datetime.timedelta(days=12)  # exclusive


def test_summer_lessons_are_utc_plus_two(world: Any, client: Any, day: Day) -> None:
    import time_machine

    with time_machine.travel(datetime.datetime(2027, 5, 10, 7, 0, tzinfo=WARSAW), tick=False):
        token = feed_token_regenerate(actor=world.user("student"))
        cal = parse(client.get(feed_url(token)).content)
    starts = [
        e.decoded("DTSTART")
        for e in events_of(cal)
        if "lesson" in str(e.get("CATEGORIES").cats)
        and e.decoded("DTSTART").date() == datetime.date(2027, 5, 10)
    ]
    assert starts
    assert min(starts).utcoffset() == datetime.timedelta(hours=2)


def test_guardian_feed_covers_every_child(world: Any, client: Any, day: Day) -> None:
    second = StudentFactory(school_class=world.other_class, class_number=3)
    Guardianship.objects.create(
        school=world.school, guardian=world.user("guardian"), student=second
    )
    token = feed_token_regenerate(actor=world.user("guardian"))
    events = events_of(parse(client.get(feed_url(token)).content))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert any(s.startswith(f"[{world.student.user.first_name}] ") for s in summaries)
    # The second child's class has no lessons, but the school-wide day off is theirs too.
    assert any(
        s.startswith(f"[{second.user.first_name}] ") and "Dzień wolny" in s for s in summaries
    )


def test_teacher_feed(world: Any, client: Any, day: Day) -> None:
    token = feed_token_regenerate(actor=world.user("teacher"))
    events = events_of(parse(client.get(feed_url(token)).content))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert any("6b" in s for s in summaries)
    assert any("Homework due" in s for s in summaries)
    substitute = feed_token_regenerate(actor=day.substitute)
    summaries = [
        str(e["SUMMARY"]) for e in events_of(parse(client.get(feed_url(substitute)).content))
    ]
    assert any("substitution" in s for s in summaries)


def test_etag_and_conditional_get(world: Any, client: Any, day: Day) -> None:
    token = feed_token_regenerate(actor=world.user("student"))
    first = client.get(feed_url(token))
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get(feed_url(token), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(feed_url(token)).content == first.content  # stable bytes
    Homework.objects.filter(pk=Homework.objects.first().pk).update(title="Zmienione")
    # Within the cache time the feed is served as built (one query: the token).
    with CaptureQueriesContext(connection) as queries:
        cached = client.get(feed_url(token), headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert len(queries) <= 2  # the token lookup (and at most an hourly last-used touch)
    cache.clear()  # the cache time has passed
    changed = client.get(feed_url(token), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_feed_query_count_is_constant(world: Any, client: Any) -> None:
    counts = []
    for scale, tag in ((1, ""), (6, "x")):
        fill_school(world, scale=scale, tag=tag)
        token = feed_token_regenerate(actor=world.user("student"))
        client.get(feed_url(token))
        cache.clear()  # measure building the feed, not the cached copy
        with CaptureQueriesContext(connection) as queries:
            assert client.get(feed_url(token)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12


def test_regenerating_revokes_the_old_address(world: Any, client: Any) -> None:
    old = feed_token_regenerate(actor=world.user("student"))
    assert client.get(feed_url(old)).status_code == 200
    new = feed_token_regenerate(actor=world.user("student"))
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    row = CalendarFeedToken.objects.get()
    assert new not in row.token_hash and old not in row.token_hash  # only a hash is kept
    assert len(row.token_hash) == 64


@pytest.mark.parametrize("token", ["nonsense", "x" * 200, ""])
def test_unknown_token_is_404(world: Any, client: Any, token: str) -> None:
    if token:
        assert client.get(feed_url(token)).status_code == 404


def test_deactivated_user_feed_stops(world: Any, client: Any) -> None:
    token = feed_token_regenerate(actor=world.user("student"))
    world.user("student").is_active = False
    world.user("student").save()
    assert client.get(feed_url(token)).status_code == 404


# --- the settings page -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "principal"])
def test_settings_page_shows_new_address_once(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    page = client.get(SETTINGS)
    assert page.status_code == 200
    assert ".ics" not in page.content.decode()
    response = client.post(reverse("dashboard:feed_regenerate"))
    assert response.status_code == 302
    shown = client.get(SETTINGS).content.decode()
    assert ".ics" in shown
    url = shown.split('id="feed-url">')[1].split("<")[0]
    assert url.startswith("http://testserver/kalendarz/")
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    assert ".ics" not in client.get(SETTINGS).content.decode()  # shown only once
    assert client.post(reverse("dashboard:feed_revoke")).status_code == 302
    assert client.get(url.removeprefix("http://testserver")).status_code == 404


def test_feed_of_one_school_never_shows_another(
    world: Any, other_world: Any, client: Any, day: Day
) -> None:
    token = feed_token_regenerate(actor=other_world.user("student"))
    body = client.get(feed_url(token)).content.decode()
    assert "Sprawdzian" not in body
    assert "Zadanie" not in body


def test_settings_needs_sign_in(client: Any) -> None:
    assert client.get(SETTINGS).status_code == 302
    assert client.post(reverse("dashboard:feed_regenerate")).status_code == 302
