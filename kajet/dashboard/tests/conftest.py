"""A school day with everything the dashboard and the feed show: a weekly plan, a
substitution and a cancellation, tests, homework, grades, messages, announcements and the
lucky number. Time is frozen on a Monday morning in Warsaw."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from kajet.grades.models import Grade
from kajet.homework.models import Homework, HomeworkDone
from kajet.messaging.models import Delivery, Message
from kajet.noticeboard.models import Announcement
from kajet.school.models import LessonPeriod
from kajet.testutils.factories import CourseFactory, SubjectFactory
from kajet.timetable.models import (
    CalendarPolicy,
    Event,
    LessonChange,
    Room,
    TimetableEntry,
    TimetablePlan,
)

MONDAY = datetime.date(2026, 11, 30)
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # The tests read English texts; the UI's default language is Polish.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    cache.clear()  # the dashboard and the feed cache per school/user id and day
    with time_machine.travel(datetime.datetime(2026, 11, 30, 7, 30, tzinfo=WARSAW), tick=False):
        yield


@dataclass
class Day:
    plan: TimetablePlan
    entries: list[TimetableEntry]
    substituted: TimetableEntry
    cancelled: TimetableEntry
    substitute: Any


def fill_school(world: Any, *, scale: int = 1, tag: str = "") -> Day:
    """Everything for ``world.student`` (6b); ``scale`` multiplies the amount of data."""
    school = world.school
    teacher = world.user("teacher")
    periods = list(LessonPeriod.objects.filter(school=school).order_by("number"))
    room, _ = Room.objects.get_or_create(school=school, name="12")
    plan, _ = TimetablePlan.objects.get_or_create(
        school=school, year=world.year, valid_from=datetime.date(2026, 9, 1)
    )
    courses = [world.course] if not tag else []
    for i in range(scale):
        subject = SubjectFactory(school=school, name=f"Przedmiot {tag}{i}")
        courses.append(
            CourseFactory(
                school=school, school_class=world.school_class, subject=subject, teacher=teacher
            )
        )
    entries = []
    for weekday in range(5):
        for n, period in enumerate(periods):
            course = courses[(weekday + n) % len(courses)]
            entries.append(
                TimetableEntry(
                    school=school,
                    plan=plan,
                    weekday=weekday,
                    period=period,
                    course=course,
                    room=room,
                )
            )
    TimetableEntry.objects.bulk_create(entries)
    monday = [e for e in entries if e.weekday == 0]
    substitute = world.user("homeroom_teacher")
    LessonChange.objects.create(
        school=school,
        entry=monday[0],
        date=MONDAY,
        kind=LessonChange.Kind.SUBSTITUTION,
        new_teacher=substitute,
        note="Zastępstwo za p. nauczyciela",
    )
    tuesday = [e for e in entries if e.weekday == 1]
    LessonChange.objects.create(
        school=school,
        entry=tuesday[1],
        date=MONDAY + datetime.timedelta(days=1),
        kind=LessonChange.Kind.CANCELLATION,
    )
    CalendarPolicy.objects.update_or_create(school=school, defaults={"lucky_number_enabled": True})
    for i in range(scale * 2):
        event = Event.objects.create(
            school=school,
            kind=Event.Kind.TEST,
            scope=Event.Scope.CLASSES,
            title=f"Sprawdzian {i}",
            starts_on=MONDAY + datetime.timedelta(days=2 + i % 4),
            ends_on=MONDAY + datetime.timedelta(days=2 + i % 4),
            period=periods[0],
            course=world.course,
            subject=world.subject,
            author=teacher,
        )
        event.classes.set([world.school_class])
    Event.objects.create(
        school=school,
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.SCHOOL,
        title="Dzień wolny",
        starts_on=MONDAY + datetime.timedelta(days=10),
        ends_on=MONDAY + datetime.timedelta(days=11),
    )
    for i in range(scale * 3):
        hw = Homework.objects.create(
            school=school,
            course=courses[i % len(courses)],
            title=f"Zadanie {i}",
            description="Ćwiczenia",
            set_on=MONDAY - datetime.timedelta(days=3),
            due_on=MONDAY + datetime.timedelta(days=i % 6),
            author=teacher,
        )
        if i % 2:
            HomeworkDone.objects.create(school=school, homework=hw, student=world.student)
    for _i in range(scale * 3):
        Grade.objects.create(
            school=school,
            student=world.student,
            course=world.course,
            term=world.term,
            text="5",
            value=5,
            created_by=teacher,
        )
    for i in range(scale * 3):
        message = Message.objects.create(
            school=school,
            sender=teacher,
            subject=f"Wiadomość {i}",
            body="Treść",
            created_at=timezone.now() - datetime.timedelta(hours=i),
        )
        for owner in (world.user("guardian"), world.user("principal")):
            Delivery.objects.create(
                school=school,
                message=message,
                owner=owner,
                created_at=message.created_at,
            )
    for i in range(scale * 3):
        a = Announcement.objects.create(
            school=school,
            author=world.user("principal"),
            title=f"Ogłoszenie {i}",
            body="Tekst",
            audience="school" if i % 2 else "classes",
            shown_from=MONDAY - datetime.timedelta(days=i),
            pinned=i == 0,
        )
        if i % 2 == 0:
            a.classes.set([world.school_class])
    return Day(plan, entries, monday[0], tuesday[1], substitute)


@pytest.fixture
def day(world: Any) -> Day:
    return fill_school(world)
