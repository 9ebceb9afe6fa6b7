"""A small timetable on top of the shared ``world``: two rooms, one plan version, lessons of
the class, of two groups of the class (at the same time) and of another class."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from kajet.accounts.models import Role
from kajet.school.models import ClassGroup, Course, LessonPeriod
from kajet.testutils.browser_fixtures import browser, signed_in  # noqa: F401  (browser tests)
from kajet.testutils.factories import CourseFactory, SchoolWorld, SubjectFactory, UserFactory
from kajet.timetable.models import Room, TimetableEntry, TimetablePlan

#: Tests run "on" Monday 16 November 2026, 10:00 in Warsaw.
TODAY = datetime.date(2026, 11, 16)
MONDAY = TODAY


@dataclass
class Timetable:
    world: SchoolWorld
    plan: TimetablePlan
    periods: list[LessonPeriod]
    room: Room
    gym: Room
    group_course: Course  # world.group (the student's), taught by the homeroom teacher
    other_group: ClassGroup
    other_group_course: Course
    other_class_course: Course
    math_monday: TimetableEntry  # world.course, Monday lesson 1, room 12
    math_wednesday: TimetableEntry
    group_tuesday: TimetableEntry
    other_group_tuesday: TimetableEntry
    other_class_monday: TimetableEntry


def build_timetable(world: SchoolWorld) -> Timetable:
    school = world.school
    periods = list(LessonPeriod.objects.filter(school=school).order_by("number"))
    room = Room.objects.create(school=school, name="12")
    gym = Room.objects.create(school=school, name="Sala gimnastyczna")
    german = SubjectFactory(school=school, name="Język niemiecki", short_name="NIEM")
    group_course = CourseFactory(
        school=school,
        school_class=world.school_class,
        subject=german,
        group=world.group,
        teacher=world.user(Role.HOMEROOM_TEACHER),
    )
    other_group = ClassGroup.objects.create(
        school=school, school_class=world.school_class, name="NIEM gr. 2"
    )
    other_group_course = CourseFactory(
        school=school, school_class=world.school_class, subject=german, group=other_group
    )
    other_class_course = CourseFactory(
        school=school,
        school_class=world.other_class,
        subject=world.subject,
        teacher=UserFactory(school=school, roles=[Role.TEACHER]),
    )
    plan = TimetablePlan.objects.create(
        school=school, year=world.year, valid_from=world.year.starts_on
    )

    def entry(course: Course, weekday: int, number: int, room: Room | None) -> TimetableEntry:
        return TimetableEntry.objects.create(
            school=school,
            plan=plan,
            weekday=weekday,
            period=periods[number - 1],
            course=course,
            room=room,
        )

    return Timetable(
        world=world,
        plan=plan,
        periods=periods,
        room=room,
        gym=gym,
        group_course=group_course,
        other_group=other_group,
        other_group_course=other_group_course,
        other_class_course=other_class_course,
        math_monday=entry(world.course, 0, 1, room),
        math_wednesday=entry(world.course, 2, 2, room),
        group_tuesday=entry(group_course, 1, 1, gym),
        other_group_tuesday=entry(other_group_course, 1, 1, None),
        other_class_monday=entry(other_class_course, 0, 1, gym),
    )


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are asserted in English (the source language); Polish is added by the lead.
    with translation.override("en"):
        yield


@pytest.fixture
def tt(world: SchoolWorld) -> Timetable:
    return build_timetable(world)


@pytest.fixture
def on_today() -> Iterator[Any]:
    with time_machine.travel(
        datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw")), tick=False
    ) as traveller:
        yield traveller


def notified_user_ids(kind: str | None = None) -> set[int]:
    """Users with an in-app notification (of ``kind``)."""
    from kajet.notifications.models import Notification

    qs = Notification.objects.all()
    if kind is not None:
        qs = qs.filter(kind=kind)
    return set(qs.values_list("user_id", flat=True))
