"""The demo school earns a newcomer's trust: the whole demo, loaded on a Wednesday evening in
December (after school hours, before the term's proposed grades), obeys the rules a Polish
teacher would check first. One load for the module (about 30 s), one test per rule."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.accounts.models import User
from kajet.attendance.models import Excuse, Lesson
from kajet.core.models import HistoryEntry
from kajet.demo.demo_data import DemoLogin, seed_demo
from kajet.demo.seeding import grades as grade_seeding
from kajet.demo.seeding.messaging import SCHOOL_HOURS
from kajet.grades.models import Grade, GradeColumn
from kajet.homework.models import Homework
from kajet.messaging.models import Delivery, Message
from kajet.school.models import LessonPeriod, Term

pytestmark = pytest.mark.django_db

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
#: The demo date: Wednesday 9 December 2026, 18:30 — school is over for the day.
LOADED_AT = datetime.datetime(2026, 12, 9, 18, 30, tzinfo=WARSAW)
TODAY = LOADED_AT.date()

#: Words that belong to some subjects only (a column, a homework or a descriptive grade
#: naming them in another subject reads as a mistake).
SUBJECT_WORDS = {
    "Słówka": {"Język angielski", "Język niemiecki"},
    "Wzory": {"Matematyka", "Fizyka", "Chemia"},
    "Daty": {"Historia"},
    "Lektura": {"Język polski"},
    "Wypracowanie": {"Język polski"},
    "Zadanie przy tablicy": {"Matematyka", "Fizyka", "Chemia"},
    "tabliczkę mnożenia": {"Edukacja wczesnoszkolna", "Matematyka"},
    "Czyta płynnie": {"Edukacja wczesnoszkolna", "Język polski"},
    "po angielsku": {"Język angielski"},
    "grach zespołowych": {"Wychowanie fizyczne"},
    "biblijne": {"Religia"},
}


@pytest.fixture(scope="module")
def demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[DemoLogin]]:
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with (
        django_db_blocker.unblock(),
        scopes_disabled(),
        media,
        time_machine.travel(LOADED_AT),
        transaction.atomic(),
    ):
        logins = seed_demo(TODAY)
        yield logins
        transaction.set_rollback(True)


@pytest.fixture
def now(demo: list[DemoLogin]) -> Iterator[datetime.datetime]:
    """The tests look at the demo at the time it was loaded (a little later)."""
    with scopes_disabled(), time_machine.travel(LOADED_AT + datetime.timedelta(minutes=5)):
        yield timezone.now()


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, WARSAW)


def test_nothing_happens_after_the_demo_date(now: datetime.datetime) -> None:
    assert not Grade.objects.filter(created_at__gt=now).exists()
    assert not GradeColumn.objects.filter(date__gt=TODAY).exists()
    assert not Message.objects.filter(created_at__gt=now).exists()
    assert not Delivery.objects.filter(first_read_at__gt=now).exists()
    assert not Homework.objects.filter(set_on__gt=TODAY).exists()
    assert not Lesson.objects.filter(date__gt=TODAY).exists()
    # Today's lessons are only those that have begun.
    begun = LessonPeriod.objects.filter(starts_at__lte=_local(now).time())
    assert not Lesson.objects.filter(date=TODAY).exclude(period__in=begun).exists()
    assert not HistoryEntry.objects.filter(at__gt=now).exists()
    # Grades are given at school: on school days, during the day.
    odd = [
        _local(at).isoformat()
        for at in Grade.objects.values_list("created_at", flat=True)
        if _local(at).weekday() > 4 or not 7 <= _local(at).hour < 17
    ]
    assert odd == []
    for read_at, sent_at in Delivery.objects.exclude(first_read_at=None).values_list(
        "first_read_at", "message__created_at"
    ):
        assert read_at >= sent_at


def test_no_duplicate_homework(now: datetime.datetime) -> None:
    rows = list(Homework.objects.values_list("course_id", "title", "due_on", "set_on"))
    titles = Counter((course, title) for course, title, _due, _set in rows)
    days = Counter((course, due) for course, _title, due, _set in rows)
    assert [k for k, n in titles.items() if n > 1] == []
    assert [k for k, n in days.items() if n > 1] == []
    assert all(set_on < due and set_on.weekday() < 5 for _c, _t, due, set_on in rows)


def _misplaced(text: str, subject: str) -> list[str]:
    return [
        word
        for word, subjects in SUBJECT_WORDS.items()
        if word.lower() in text.lower() and subject not in subjects
    ]


def test_texts_fit_their_subject(now: datetime.datetime) -> None:
    wrong = []
    for text, subject in GradeColumn.objects.values_list("description", "course__subject__name"):
        wrong += [(subject, text) for _w in _misplaced(text, subject)]
    for title, text, subject in Homework.objects.values_list(
        "title", "description", "course__subject__name"
    ):
        wrong += [(subject, title) for _w in _misplaced(f"{title} {text}", subject)]
    for text, subject in Grade.objects.exclude(descriptive="").values_list(
        "descriptive", "course__subject__name"
    ):
        wrong += [(subject, text) for _w in _misplaced(text, subject)]
    assert wrong == []


def test_no_term_grades_before_their_time(now: datetime.datetime) -> None:
    """On 9 December the proposed grades of term I (ending in January) are not given yet,
    nor the final ones, nor the behaviour grades."""
    assert not Grade.objects.exclude(kind=Grade.Kind.CURRENT).exists()
    for term in Term.objects.filter(year__is_current=True):
        assert grade_seeding.proposals_on(term) > TODAY or term.starts_on > TODAY


def test_messages_are_sent_in_school_hours(now: datetime.datetime) -> None:
    outside = []
    for subject, sent in Message.objects.values_list("subject", "created_at"):
        local = _local(sent)
        minute = local.hour * 60 + local.minute
        if local.weekday() > 4 or not SCHOOL_HOURS[0] <= minute <= SCHOOL_HOURS[1]:
            outside.append((subject, local.isoformat()))
    assert outside == []
    # The copies carry their message's time.
    assert not Delivery.objects.exclude(created_at=F("message__created_at")).exists()


@pytest.mark.parametrize("role", ["guardian", "teacher", "homeroom_teacher"])
def test_a_few_messages_are_unread(
    demo: list[DemoLogin], now: datetime.datetime, role: str
) -> None:
    main = [d for d in demo if d.school == "SP 12 Gdańsk" and not d.must_change_password]
    for login in (d for d in main if d.role == role):
        unread = Delivery.objects.filter(owner__login=login.login, is_unread=True).count()
        assert 1 <= unread <= 6, (login.login, unread)


def test_one_excuse_waits_for_the_homeroom_teacher(
    demo: list[DemoLogin], now: datetime.datetime
) -> None:
    homeroom = next(d for d in demo if d.role == "homeroom_teacher" and d.school == "SP 12 Gdańsk")
    guardian = next(d for d in demo if d.role == "guardian" and d.login == "4829113")
    waiting = Excuse.objects.filter(
        status="pending", student__school_class__homeroom_teacher__login=homeroom.login
    )
    assert waiting.filter(submitted_by__login=guardian.login).count() == 1
    excuse = waiting.get(submitted_by__login=guardian.login)
    assert excuse.message is not None
    assert Delivery.objects.filter(
        message=excuse.message, owner__login=homeroom.login, is_unread=True
    ).exists()


def test_one_demo_login_must_change_its_password(demo: list[DemoLogin]) -> None:
    with scopes_disabled():
        forced = {d.login for d in demo if d.must_change_password}
        assert forced == {"4829116"}
        logins = [d.login for d in demo]
        flagged = set(
            User.objects.filter(login__in=logins, must_change_password=True).values_list(
                "login", flat=True
            )
        )
    assert flagged == forced
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    line = next(row for row in readme.splitlines() if "`4829116`" in row)
    assert "first sign-in" in line
