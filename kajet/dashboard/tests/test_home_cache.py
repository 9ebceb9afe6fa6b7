"""The home page's cache (kajet/dashboard/caching.py): shared by a class, never stale after
a write through the services, and cheaper when warm."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from kajet.core.versions import home_changed
from kajet.dashboard.tests.conftest import MONDAY, Day
from kajet.homework.models import Homework
from kajet.homework.services import (
    homework_create,
    homework_delete,
    homework_mark_done,
    homework_update,
)
from kajet.noticeboard.models import Announcement
from kajet.noticeboard.services import (
    announcement_create,
    announcement_delete,
    announcement_mark_read,
    announcement_update,
)
from kajet.timetable.models import Event, LessonChange
from kajet.timetable.services import (
    event_add,
    event_remove,
    event_update,
    lesson_change_add,
    lesson_change_remove,
)

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")
#: A warm visit: session, user, the children (with their groups) or the staff roles, the
#: viewer's stamp (kajet/dashboard/stamps.py); the principal's overview counts today's
#: attendance and the excuses waiting on top.
WARM_QUERIES = {"guardian": 4, "student": 4, "teacher": 4, "principal": 6}
#: Another viewer of the same class: their own board is not rendered yet, the class's lessons,
#: calendar, homework and announcements come from the cache — the stamp, then homework done,
#: new grades, unread messages and announcements read.
SHARED_HIT_QUERIES = 8


def test_a_class_shares_the_cache(
    world: Any, client_for: Any, day: Day, django_assert_max_num_queries: Any
) -> None:
    """The guardian's visit fills the cache; the student of the same class and groups reads
    lessons, calendar, homework and announcements from it."""
    student = client_for(world.user("student"))
    student.get(HOME)  # the session's first visit (previous sign-in kept in the session)
    home_changed(world.school.pk)  # a write: the next visit reads afresh
    client_for(world.user("guardian")).get(HOME)
    with django_assert_max_num_queries(SHARED_HIT_QUERIES):
        page = student.get(HOME).content.decode()
    assert "substitution" in page and "Sprawdzian 0" in page and "Zadanie 0" in page
    assert "Ogłoszenie 0" in page


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "principal"])
def test_a_warm_visit_reads_only_the_stamp(
    world: Any, client_for: Any, day: Day, django_assert_max_num_queries: Any, role: str
) -> None:
    client = client_for(world.user(role))
    client.get(HOME)
    with django_assert_max_num_queries(WARM_QUERIES[role]):
        assert client.get(HOME).status_code == 200


def _event(world: Any, title: str) -> Event:
    return Event.objects.get(school=world.school, title=title)


def _homework(world: Any, title: str) -> Homework:
    return Homework.objects.get(school=world.school, title=title)


def _announcement(world: Any, title: str) -> Announcement:
    return Announcement.objects.get(school=world.school, title=title)


def _add_cancellation(world: Any, day: Day) -> None:
    monday = [e for e in day.entries if e.weekday == 0]
    lesson_change_add(
        school=world.school,
        actor=world.user("principal"),
        entry=monday[2],
        date=MONDAY,
        kind=LessonChange.Kind.CANCELLATION,
        note="Odwołana-XYZ",
    )


def _remove_substitution(world: Any, day: Day) -> None:
    change = LessonChange.objects.get(entry=day.substituted, date=MONDAY)
    lesson_change_remove(school=world.school, actor=world.user("principal"), change=change)


def _add_event(world: Any, day: Day) -> None:
    event_add(
        school=world.school,
        actor=world.user("principal"),
        kind=Event.Kind.TRIP,
        scope=Event.Scope.CLASSES,
        classes=[world.school_class],
        title="Wycieczka-XYZ",
        starts_on=MONDAY + datetime.timedelta(days=3),
        today=MONDAY,
    )


def _edit_event(world: Any, day: Day) -> None:
    event = _event(world, "Sprawdzian 0")
    event_update(
        school=world.school,
        actor=world.user("principal"),
        event=event,
        kind=event.kind,
        scope=event.scope,
        classes=[world.school_class],
        title="Sprawdzian-XYZ",
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        today=MONDAY,
        course=event.course,
        period=event.period,
        confirmed=True,
    )


def _remove_event(world: Any, day: Day) -> None:
    event_remove(
        school=world.school, actor=world.user("principal"), event=_event(world, "Sprawdzian 1")
    )


def _add_homework(world: Any, day: Day) -> None:
    homework_create(
        actor=world.user("teacher"),
        course=world.course,
        title="Zadanie-XYZ",
        description="",
        set_on=MONDAY,
        due_on=MONDAY + datetime.timedelta(days=2),
    )


def _edit_homework(world: Any, day: Day) -> None:
    homework = _homework(world, "Zadanie 0")
    homework_update(
        actor=world.user("teacher"),
        homework=homework,
        title="Zadanie-XYZ",
        description=homework.description,
        set_on=homework.set_on,
        due_on=homework.due_on,
    )


def _delete_homework(world: Any, day: Day) -> None:
    homework_delete(actor=world.user("teacher"), homework=_homework(world, "Zadanie 2"))


def _add_announcement(world: Any, day: Day) -> None:
    announcement_create(
        actor=world.user("principal"),
        title="Ogłoszenie-XYZ",
        body="Treść",
        audience="school",
        shown_from=MONDAY,
        notify_audience=False,
    )


def _edit_announcement(world: Any, day: Day) -> None:
    a = _announcement(world, "Ogłoszenie 1")
    announcement_update(
        actor=world.user("principal"),
        announcement=a,
        title="Ogłoszenie-XYZ",
        body=a.body,
        audience=a.audience,
        shown_from=a.shown_from,
        shown_until=a.shown_until,
        pinned=a.pinned,
    )


def _delete_announcement(world: Any, day: Day) -> None:
    a = _announcement(world, "Ogłoszenie 2")
    announcement_delete(actor=world.user("principal"), announcement=a)


WRITES: list[tuple[str, Callable[[Any, Day], None], str | None, str | None]] = [
    # (name, the write, a text the next visit shows, a text it no longer shows)
    ("lesson change added", _add_cancellation, "Odwołana-XYZ", None),
    ("lesson change withdrawn", _remove_substitution, None, "Zastępstwo za p. nauczyciela"),
    ("event added", _add_event, "Wycieczka-XYZ", None),
    ("event edited", _edit_event, "Sprawdzian-XYZ", None),
    ("event removed", _remove_event, None, "Sprawdzian 1"),
    ("homework set", _add_homework, "Zadanie-XYZ", None),
    ("homework edited", _edit_homework, "Zadanie-XYZ", None),
    ("homework deleted", _delete_homework, None, "Zadanie 2"),
    ("announcement published", _add_announcement, "Ogłoszenie-XYZ", None),
    ("announcement edited", _edit_announcement, "Ogłoszenie-XYZ", None),
    ("announcement deleted", _delete_announcement, None, "Ogłoszenie 2"),
]


@pytest.mark.parametrize("role", ["guardian", "student", "teacher"])
@pytest.mark.parametrize(
    ("write", "shown", "gone"), [w[1:] for w in WRITES], ids=[w[0] for w in WRITES]
)
def test_every_write_shows_on_the_next_visit(
    world: Any,
    client_for: Any,
    day: Day,
    role: str,
    write: Callable[[Any, Day], None],
    shown: str | None,
    gone: str | None,
) -> None:
    client = client_for(world.user(role))
    before = client.get(HOME).content.decode()
    client.get(HOME)  # now from the cache
    assert shown is None or shown not in before
    assert gone is None or gone in before
    write(world, day)
    page = client.get(HOME).content.decode()
    if shown is not None:
        assert shown in page
    if gone is not None:
        assert gone not in page


def test_homework_done_and_announcement_read_are_the_viewers_own(
    world: Any, client_for: Any, day: Day
) -> None:
    """Read from the cache, the flags are still each viewer's: a student marking homework
    done or reading an announcement changes their next visit, not the shared entry."""
    student, guardian = world.user("student"), world.user("guardian")
    client_for(guardian).get(HOME)  # fills the class's entry with the guardian's flags
    page = client_for(student).get(HOME).content.decode()
    done_before, unread_before = page.count("badge-ok"), page.count("(unread)")
    homework_mark_done(
        actor=student, homework=_homework(world, "Zadanie 0"), student=world.student, done=True
    )
    announcement_mark_read(user=student, announcement=_announcement(world, "Ogłoszenie 0"))
    page = client_for(student).get(HOME).content.decode()
    assert page.count("badge-ok") == done_before + 1
    assert page.count("(unread)") == unread_before - 1
