"""Resolved lesson occurrences: plans by date, groups, changes, days off, and a constant
number of queries whatever the data size."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kajet.accounts.models import Role
from kajet.school.models import LessonPeriod
from kajet.testutils.factories import CourseFactory, SchoolClassFactory, StudentFactory
from kajet.timetable.models import Event, LessonChange, Room, TimetableEntry, TimetablePlan
from kajet.timetable.selectors import (
    events_for_class,
    events_for_staff,
    events_for_student,
    events_for_teacher,
    lessons_for_class,
    lessons_for_room,
    lessons_for_student,
    lessons_for_teacher,
    teacher_lessons_held_on,
)
from kajet.timetable.tests.conftest import MONDAY, Timetable

D = datetime.timedelta
FRIDAY = MONDAY + D(days=4)


def slots(lessons: list) -> list[tuple[int, int, str, str]]:
    return [(o.date.weekday(), o.period_number, o.subject_short, o.status) for o in lessons]


def test_student_sees_class_and_own_group_only(tt: Timetable) -> None:
    lessons = lessons_for_student(tt.world.student, MONDAY, FRIDAY)
    assert slots(lessons) == [
        (0, 1, "MAT", "normal"),
        (1, 1, "NIEM", "normal"),
        (2, 2, "MAT", "normal"),
    ]
    monday = lessons[0]
    assert monday.room_name == "12"
    assert monday.teacher_id == tt.world.course.teacher_id
    assert monday.starts_at == datetime.time(8, 0)
    assert lessons[1].group_name == "NIEM gr. 1"


def test_class_sees_both_groups_at_once(tt: Timetable) -> None:
    lessons = lessons_for_class(tt.world.school_class, MONDAY, FRIDAY)
    assert [(o.date.weekday(), o.period_number, o.group_name) for o in lessons] == [
        (0, 1, ""),
        (1, 1, "NIEM gr. 1"),
        (1, 1, "NIEM gr. 2"),
        (2, 2, ""),
    ]


def test_teacher_and_room(tt: Timetable) -> None:
    teacher = tt.world.user(Role.TEACHER)
    assert slots(lessons_for_teacher(teacher, MONDAY, FRIDAY)) == [
        (0, 1, "MAT", "normal"),
        (2, 2, "MAT", "normal"),
    ]
    gym = lessons_for_room(tt.gym, MONDAY, FRIDAY)
    assert [(o.date.weekday(), o.class_name) for o in gym] == [(0, "2a"), (1, "6b")]


def test_two_weeks_and_weekend(tt: Timetable) -> None:
    lessons = lessons_for_student(tt.world.student, MONDAY, MONDAY + D(days=13))
    assert len(lessons) == 6
    assert lessons_for_student(tt.world.student, MONDAY + D(days=5), MONDAY + D(days=6)) == []


def test_no_lessons_outside_the_school_year(tt: Timetable) -> None:
    summer = datetime.date(2027, 7, 5)
    assert lessons_for_student(tt.world.student, summer, summer + D(days=4)) == []
    before = tt.world.year.starts_on - D(days=7)
    assert lessons_for_student(tt.world.student, before, before + D(days=4)) == []


def test_plan_versions_by_date(tt: Timetable) -> None:
    """A new version from Wednesday: Monday and Tuesday keep the old plan."""
    new = TimetablePlan.objects.create(
        school=tt.world.school, year=tt.world.year, valid_from=MONDAY + D(days=2)
    )
    TimetableEntry.objects.create(
        school=tt.world.school,
        plan=new,
        weekday=3,
        period=tt.periods[2],
        course=tt.world.course,
        room=tt.room,
    )
    lessons = lessons_for_student(tt.world.student, MONDAY, FRIDAY)
    assert slots(lessons) == [
        (0, 1, "MAT", "normal"),
        (1, 1, "NIEM", "normal"),
        (3, 3, "MAT", "normal"),
    ]


def test_whole_school_day_off_removes_lessons(tt: Timetable) -> None:
    Event.objects.create(
        school=tt.world.school,
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.SCHOOL,
        title="Dzień wolny",
        starts_on=MONDAY + D(days=1),
        ends_on=MONDAY + D(days=2),
    )
    assert slots(lessons_for_student(tt.world.student, MONDAY, FRIDAY)) == [(0, 1, "MAT", "normal")]


def test_day_off_of_another_school_does_not_count(tt: Timetable, other_world) -> None:  # type: ignore[no-untyped-def]
    Event.objects.create(
        school=other_world.school,
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.SCHOOL,
        title="x",
        starts_on=MONDAY,
        ends_on=FRIDAY,
    )
    assert len(lessons_for_student(tt.world.student, MONDAY, FRIDAY)) == 3


def test_class_day_off(tt: Timetable) -> None:
    event = Event.objects.create(
        school=tt.world.school,
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.CLASSES,
        title="Wycieczka",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    event.classes.set([tt.world.school_class])
    assert [o.class_name for o in lessons_for_room(tt.gym, MONDAY, MONDAY)] == ["2a"]
    assert lessons_for_student(tt.world.student, MONDAY, MONDAY) == []


def change(
    tt: Timetable, entry: TimetableEntry, date: datetime.date, kind: str, **kw
) -> LessonChange:  # type: ignore[no-untyped-def]
    return LessonChange.objects.create(
        school=tt.world.school, entry=entry, date=date, kind=kind, **kw
    )


def test_cancellation(tt: Timetable) -> None:
    change(tt, tt.math_monday, MONDAY, LessonChange.Kind.CANCELLATION, note="wycieczka")
    lessons = lessons_for_student(tt.world.student, MONDAY, FRIDAY)
    assert lessons[0].status == "cancelled"
    assert not lessons[0].is_held
    assert lessons[0].change_note == "wycieczka"
    # the next week is untouched
    assert (
        lessons_for_student(tt.world.student, MONDAY + D(days=7), MONDAY + D(days=7))[0].status
        == "normal"
    )
    teacher = tt.world.user(Role.TEACHER)
    assert teacher_lessons_held_on(teacher, MONDAY) == []


def test_substitution_seen_by_both_teachers(tt: Timetable) -> None:
    teacher = tt.world.user(Role.TEACHER)
    substitute = tt.other_class_course.teacher
    change(
        tt,
        tt.math_wednesday,
        MONDAY + D(days=2),
        LessonChange.Kind.SUBSTITUTION,
        new_teacher=substitute,
        new_room=tt.gym,
    )
    student_view = lessons_for_student(tt.world.student, MONDAY, FRIDAY)
    wednesday = student_view[2]
    assert wednesday.status == "substitution"
    assert wednesday.teacher_id == substitute.pk
    assert wednesday.original_teacher_id == teacher.pk
    assert (wednesday.room_name, wednesday.original_room_name) == ("Sala gimnastyczna", "12")
    # the substitute sees the lesson among their own
    sub_view = lessons_for_teacher(substitute, MONDAY, FRIDAY)
    assert [(o.date.weekday(), o.class_name, o.status) for o in sub_view] == [
        (0, "2a", "normal"),
        (2, "6b", "substitution"),
    ]
    assert [o.class_name for o in teacher_lessons_held_on(substitute, MONDAY + D(days=2))] == ["6b"]
    # the original teacher sees it marked, but does not hold it
    own = lessons_for_teacher(teacher, MONDAY, FRIDAY)
    assert own[1].status == "substitution"
    assert teacher_lessons_held_on(teacher, MONDAY + D(days=2)) == []
    # the gym shows the lesson moved into it
    assert [(o.date.weekday(), o.class_name) for o in lessons_for_room(tt.gym, MONDAY, FRIDAY)] == [
        (0, "2a"),
        (1, "6b"),
        (2, "6b"),
    ]


def test_moved_lesson(tt: Timetable) -> None:
    change(
        tt,
        tt.math_monday,
        MONDAY,
        LessonChange.Kind.MOVED,
        new_date=MONDAY + D(days=3),
        new_period=tt.periods[2],
    )
    lessons = lessons_for_student(tt.world.student, MONDAY, FRIDAY)
    assert slots(lessons) == [
        (0, 1, "MAT", "moved_away"),
        (1, 1, "NIEM", "normal"),
        (2, 2, "MAT", "normal"),
        (3, 3, "MAT", "moved_in"),
    ]
    assert lessons[0].moved_to == (MONDAY + D(days=3), 3)
    assert lessons[3].moved_from == (MONDAY, 1)
    # moved into a week whose original date is outside the range
    change(
        tt,
        tt.math_wednesday,
        MONDAY + D(days=2),
        LessonChange.Kind.MOVED,
        new_date=MONDAY + D(days=7),
        new_period=tt.periods[0],
    )
    next_week = lessons_for_student(tt.world.student, MONDAY + D(days=7), MONDAY + D(days=11))
    assert ("moved_in", 1) in [
        (o.status, o.period_number) for o in next_week if o.date.weekday() == 0
    ]


def _grow(tt: Timetable, classes: int, with_changes: bool) -> None:
    """Add ``classes`` more classes with a full week each (and changes if asked)."""
    school = tt.world.school
    periods = list(LessonPeriod.objects.filter(school=school))
    teacher = tt.world.user(Role.TEACHER)
    rooms = [Room.objects.create(school=school, name=f"r{i}") for i in range(3)]
    entries = []
    for i in range(classes):
        cls = SchoolClassFactory(
            school=school, year=tt.world.year, name=f"{i % 8 + 1}x{i}", level=i % 8 + 1
        )
        StudentFactory(school_class=cls)
        course = CourseFactory(
            school=school, school_class=cls, subject=tt.world.subject, teacher=teacher
        )
        for wd in range(5):
            for p in periods:
                entries.append(
                    TimetableEntry(
                        school=school,
                        plan=tt.plan,
                        weekday=wd,
                        period=p,
                        course=course,
                        room=rooms[i % 3],
                    )
                )
    TimetableEntry.objects.bulk_create(entries)
    if with_changes:
        for e in entries[:60]:
            day = MONDAY + D(days=e.weekday)
            LessonChange.objects.create(
                school=school,
                entry=e,
                date=day,
                kind=LessonChange.Kind.SUBSTITUTION,
                new_teacher=tt.other_class_course.teacher,
                new_room=rooms[0],
            )
        for entry in (tt.math_monday, tt.group_tuesday):
            day = MONDAY + D(days=entry.weekday)
            LessonChange.objects.create(
                school=school, entry=entry, date=day, kind=LessonChange.Kind.CANCELLATION
            )
        for i in range(10):
            Event.objects.create(
                school=school,
                kind=Event.Kind.DAY_OFF,
                scope=Event.Scope.SCHOOL,
                title="x",
                starts_on=MONDAY + D(days=30 + i),
                ends_on=MONDAY + D(days=30 + i),
            )


def _count(fn) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("with_changes", [False, True])
def test_constant_queries_whatever_the_size(tt: Timetable, with_changes: bool) -> None:
    teacher = tt.world.user(Role.TEACHER)
    student = tt.world.student
    calls = {
        "student": lambda: lessons_for_student(student, MONDAY, FRIDAY),
        "student_year": lambda: lessons_for_student(
            student, tt.world.year.starts_on, tt.world.year.ends_on
        ),
        "class": lambda: lessons_for_class(tt.world.school_class, MONDAY, FRIDAY),
        "teacher": lambda: lessons_for_teacher(teacher, MONDAY, FRIDAY),
        "room": lambda: lessons_for_room(tt.room, MONDAY, FRIDAY),
        "events_student": lambda: events_for_student(student, MONDAY, FRIDAY),
        "events_teacher": lambda: events_for_teacher(teacher, MONDAY, FRIDAY),
        "events_class": lambda: events_for_class(tt.world.school_class, MONDAY, FRIDAY),
        "events_staff": lambda: events_for_staff(tt.world.school, MONDAY, FRIDAY),
    }
    small = {name: _count(fn) for name, fn in calls.items()}
    _grow(tt, 40, with_changes)
    big = {name: _count(fn) for name, fn in calls.items()}
    assert small == big
    assert max(big.values()) <= 6
    # and the big teacher week really has 40 classes' lessons in it
    assert len(lessons_for_teacher(teacher, MONDAY, FRIDAY)) >= 40 * 5 * 3


def test_events_visibility(tt: Timetable) -> None:
    w = tt.world
    school_wide = Event.objects.create(
        school=w.school,
        kind=Event.Kind.SCHOOL_EVENT,
        scope=Event.Scope.SCHOOL,
        title="Apel",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    for_class = Event.objects.create(
        school=w.school,
        kind=Event.Kind.TEST,
        scope=Event.Scope.CLASSES,
        title="Sprawdzian",
        starts_on=MONDAY,
        ends_on=MONDAY,
        course=w.course,
    )
    for_class.classes.set([w.school_class])
    for_other = Event.objects.create(
        school=w.school,
        kind=Event.Kind.TRIP,
        scope=Event.Scope.CLASSES,
        title="Wycieczka 2a",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    for_other.classes.set([w.other_class])
    own_group = Event.objects.create(
        school=w.school,
        kind=Event.Kind.QUIZ,
        scope=Event.Scope.GROUP,
        group=w.group,
        title="Kartkówka gr1",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    other_group = Event.objects.create(
        school=w.school,
        kind=Event.Kind.QUIZ,
        scope=Event.Scope.GROUP,
        group=tt.other_group,
        title="Kartkówka gr2",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    absence = Event.objects.create(
        school=w.school,
        kind=Event.Kind.SCHOOL_EVENT,
        scope=Event.Scope.TEACHER,
        teacher=w.user(Role.TEACHER),
        title="Szkolenie",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    later = Event.objects.create(
        school=w.school,
        kind=Event.Kind.TRIP,
        scope=Event.Scope.SCHOOL,
        title="Później",
        starts_on=MONDAY + D(days=20),
        ends_on=MONDAY + D(days=21),
    )

    def titles(events: list[Event]) -> set[str]:
        return {e.title for e in events}

    assert titles(events_for_student(w.student, MONDAY, FRIDAY)) == {
        school_wide.title,
        for_class.title,
        own_group.title,
    }
    assert titles(events_for_class(w.school_class, MONDAY, FRIDAY)) == {
        school_wide.title,
        for_class.title,
        own_group.title,
        other_group.title,
    }
    # the maths teacher teaches all of 6b: the class's and its groups' events, own absence
    assert titles(events_for_teacher(w.user(Role.TEACHER), MONDAY, FRIDAY)) == {
        school_wide.title,
        for_class.title,
        own_group.title,
        other_group.title,
        absence.title,
    }
    assert len(events_for_staff(w.school, MONDAY, FRIDAY)) == 6
    assert titles(events_for_staff(w.school, MONDAY + D(days=21), MONDAY + D(days=30))) == {
        later.title
    }


def test_class_day_off_hides_a_substitution_from_the_substitute(tt: Timetable) -> None:
    substitute = tt.other_class_course.teacher
    change(tt, tt.math_monday, MONDAY, LessonChange.Kind.SUBSTITUTION, new_teacher=substitute)
    event = Event.objects.create(
        school=tt.world.school,
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.CLASSES,
        title="Wycieczka",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    event.classes.set([tt.world.school_class])
    assert [o.class_name for o in lessons_for_teacher(substitute, MONDAY, MONDAY)] == ["2a"]
