"""Services: the class grid save (conflicts, all or nothing), lesson changes and their
notifications, the test-load policy, plan versions, the lucky number."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kajet.accounts.models import Role
from kajet.core.models import HistoryEntry
from kajet.testutils.factories import StudentFactory, guardian_for
from kajet.timetable import services
from kajet.timetable.models import (
    WEEKDAYS,
    CalendarPolicy,
    Event,
    LessonChange,
    LuckyNumber,
    TimetableEntry,
    TimetablePlan,
)
from kajet.timetable.selectors import lucky_number_for, lucky_number_today_and_next
from kajet.timetable.services import CellInput, TimetableConflictError
from kajet.timetable.tests.conftest import MONDAY, TODAY, Timetable, notified_user_ids

D = datetime.timedelta


def save(tt: Timetable, cls: Any, cells: list[CellInput]) -> int:
    return services.timetable_class_save(
        school=tt.world.school,
        actor=tt.world.user(Role.SCHOOL_ADMIN),
        plan=tt.plan,
        school_class=cls,
        cells=cells,
    )


def test_class_save_replaces_all(tt: Timetable) -> None:
    p = tt.periods
    n = save(
        tt,
        tt.world.school_class,
        [
            CellInput(0, p[1].pk, tt.world.course.pk, tt.room.pk),
            CellInput(1, p[0].pk, tt.group_course.pk, None),
            CellInput(1, p[0].pk, tt.other_group_course.pk, None),  # two groups at once: fine
        ],
    )
    assert n == 3
    rows = TimetableEntry.objects.filter(plan=tt.plan, course__school_class=tt.world.school_class)
    assert sorted(rows.values_list("weekday", "period__number")) == [(0, 2), (1, 1), (1, 1)]
    # the other class is untouched
    assert TimetableEntry.objects.filter(course=tt.other_class_course).count() == 1
    assert HistoryEntry.objects.filter(code="timetable.class_plan.saved").count() == 1


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # the maths teacher of 6b also teaches 2a on Monday lesson 1? no: room clash with 2a's gym
        (
            lambda tt: [CellInput(0, tt.periods[0].pk, tt.world.course.pk, tt.gym.pk)],
            "Sala gimnastyczna: two lessons at once",
        ),
        # class lesson and its group's lesson at the same time
        (
            lambda tt: [
                CellInput(2, tt.periods[0].pk, tt.world.course.pk, None),
                CellInput(2, tt.periods[0].pk, tt.group_course.pk, None),
            ],
            "class 6b",
        ),
        # the same group twice
        (
            lambda tt: [
                CellInput(2, tt.periods[0].pk, tt.group_course.pk, None),
                CellInput(2, tt.periods[0].pk, tt.group_course.pk, tt.room.pk),
            ],
            "group 6b NIEM gr. 1",
        ),
    ],
)
def test_class_save_refuses_conflicts(tt: Timetable, cells: Any, expected: str) -> None:
    before = list(TimetableEntry.objects.order_by("pk").values_list("pk", flat=True))
    with pytest.raises(TimetableConflictError) as raised:
        save(tt, tt.world.school_class, cells(tt))
    assert any(expected in m for m in raised.value.messages), raised.value.messages
    assert list(TimetableEntry.objects.order_by("pk").values_list("pk", flat=True)) == before


def test_teacher_conflict_across_classes_is_named(tt: Timetable) -> None:
    """The 2a teacher gets a 6b course too; putting it on Monday 1 clashes with 2a."""
    from kajet.testutils.factories import CourseFactory

    course = CourseFactory(
        school=tt.world.school,
        school_class=tt.world.school_class,
        subject=tt.world.subject,
        teacher=tt.other_class_course.teacher,
    )
    with pytest.raises(TimetableConflictError) as raised:
        save(tt, tt.world.school_class, [CellInput(0, tt.periods[0].pk, course.pk, None)])
    (message,) = raised.value.messages
    assert tt.other_class_course.teacher.full_name in message
    assert str(WEEKDAYS[0][1]) in message
    assert "Matematyka — 2a" in message and "Matematyka — 6b" in message


def test_class_save_refuses_foreign_course(tt: Timetable) -> None:
    with pytest.raises(ValidationError):
        save(
            tt,
            tt.world.school_class,
            [CellInput(3, tt.periods[0].pk, tt.other_class_course.pk, None)],
        )


def test_plan_create_copies_previous(tt: Timetable) -> None:
    plan = services.timetable_plan_create(
        school=tt.world.school,
        actor=tt.world.user(Role.SCHOOL_ADMIN),
        year=tt.world.year,
        valid_from=MONDAY,
        name="po zmianie",
    )
    assert TimetableEntry.objects.filter(plan=plan).count() == 5
    with pytest.raises(ValidationError):
        services.timetable_plan_create(
            school=tt.world.school, actor=None, year=tt.world.year, valid_from=MONDAY
        )
    with pytest.raises(ValidationError):
        services.timetable_plan_create(
            school=tt.world.school,
            actor=None,
            year=tt.world.year,
            valid_from=datetime.date(2027, 8, 1),
        )
    assert TimetablePlan.objects.filter(school=tt.world.school).count() == 2


def test_lesson_change_notifies_class_guardians_and_teachers(
    tt: Timetable, django_capture_on_commit_callbacks: Any
) -> None:
    w = tt.world
    guardian = w.user(Role.GUARDIAN)
    substitute = tt.other_class_course.teacher
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_change_add(
            school=w.school,
            actor=w.user(Role.SCHOOL_ADMIN),
            entry=tt.math_monday,
            date=MONDAY,
            kind=LessonChange.Kind.SUBSTITUTION,
            new_teacher=substitute,
        )
    notified = notified_user_ids("change")
    assert notified == {w.student.user_id, guardian.pk, w.course.teacher_id, substitute.pk}
    assert HistoryEntry.objects.filter(code="timetable.lesson_change.substitution").count() == 1


def test_group_change_notifies_only_the_group(
    tt: Timetable, django_capture_on_commit_callbacks: Any
) -> None:
    w = tt.world
    outsider = StudentFactory(school_class=w.school_class)  # in 6b but not in group 1
    guardian_for(outsider, login="outsider-parent")
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_change_add(
            school=w.school,
            actor=None,
            entry=tt.group_tuesday,
            date=MONDAY + D(days=1),
            kind=LessonChange.Kind.CANCELLATION,
        )
    notified = notified_user_ids()
    assert w.student.user_id in notified
    assert outsider.user_id not in notified


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "substitution"}, "needs another teacher"),
        ({"kind": "moved"}, "needs a new date"),
        ({"kind": "moved", "new_date": MONDAY + D(days=5)}, "weekend"),
        ({"kind": "cancellation", "date": MONDAY + D(days=1)}, "does not take place"),
        ({"kind": "other"}, "Unknown kind"),
    ],
)
def test_lesson_change_validation(tt: Timetable, kwargs: dict[str, Any], message: str) -> None:
    kwargs.setdefault("date", MONDAY)
    with pytest.raises(ValidationError) as raised:
        services.lesson_change_add(
            school=tt.world.school, actor=None, entry=tt.math_monday, **kwargs
        )
    assert message in " ".join(raised.value.messages)


def test_one_change_per_lesson_and_date(tt: Timetable) -> None:
    args = {"school": tt.world.school, "actor": None, "entry": tt.math_monday, "date": MONDAY}
    services.lesson_change_add(**args, kind="cancellation")
    with pytest.raises(ValidationError):
        services.lesson_change_add(**args, kind="cancellation")


def add_test(
    tt: Timetable, day: datetime.date, *, confirmed: bool = False, kind: str = "test"
) -> Event:
    w = tt.world
    return services.event_add(
        school=w.school,
        actor=w.user(Role.TEACHER),
        kind=kind,
        scope=Event.Scope.CLASSES,
        title="Sprawdzian",
        starts_on=day,
        today=TODAY,
        classes=[w.school_class],
        course=w.course,
        confirmed=confirmed,
    )


def test_test_load_warns_then_accepts_confirmation(tt: Timetable) -> None:
    day = TODAY + D(days=14)
    add_test(tt, day)
    with pytest.raises(services.TestLoadError) as raised:
        add_test(tt, day)
    assert not raised.value.check.refuse
    assert "6b" in raised.value.check.messages()[0]
    event = add_test(tt, day, confirmed=True)
    assert Event.objects.filter(starts_on=day, kind="test").count() == 2
    assert HistoryEntry.objects.get(code="timetable.event.added", object_id=event.pk).new[
        "confirmed_over_limit"
    ]


def test_test_load_refuses_when_policy_says_so(tt: Timetable) -> None:
    services.calendar_policy_update(
        school=tt.world.school, actor=None, mode=CalendarPolicy.Mode.REFUSE, min_notice_days=3
    )
    with pytest.raises(services.TestLoadError) as raised:
        add_test(tt, TODAY + D(days=1), confirmed=True)
    assert raised.value.check.refuse
    assert not Event.objects.exists()
    add_test(tt, TODAY + D(days=3))


def test_quizzes_count_only_if_policy_says(tt: Timetable) -> None:
    day = TODAY + D(days=14)
    add_test(tt, day)
    add_test(tt, day, kind="quiz")  # quizzes don't count by default, not even themselves
    services.calendar_policy_update(school=tt.world.school, actor=None, quizzes_count=True)
    with pytest.raises(services.TestLoadError):
        add_test(tt, day, kind="quiz")


def test_group_test_counts_for_its_class(tt: Timetable) -> None:
    w = tt.world
    day = TODAY + D(days=14)
    services.event_add(
        school=w.school,
        actor=None,
        kind="test",
        scope=Event.Scope.GROUP,
        title="gr",
        starts_on=day,
        today=TODAY,
        group=w.group,
        course=tt.group_course,
    )
    with pytest.raises(services.TestLoadError):
        add_test(tt, day)


def test_event_notifies_class(tt: Timetable, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        add_test(tt, TODAY + D(days=14))
    assert notified_user_ids("event") == {
        tt.world.student.user_id,
        tt.world.user(Role.GUARDIAN).pk,
    }


def enable_lucky(tt: Timetable) -> None:
    services.calendar_policy_update(school=tt.world.school, actor=None, lucky_number_enabled=True)


def test_lucky_number_off_by_default(tt: Timetable) -> None:
    assert lucky_number_for(tt.world.school, TODAY) is None
    assert not LuckyNumber.objects.exists()


def test_lucky_number_drawn_once_and_stored(tt: Timetable) -> None:
    enable_lucky(tt)
    for n in range(2, 26):
        StudentFactory(school_class=tt.world.school_class, class_number=n)
    first = lucky_number_for(tt.world.school, TODAY)
    assert first is not None and 1 <= first <= 25
    # a later change of the class lists does not change a drawn number
    StudentFactory(school_class=tt.world.school_class, class_number=40)
    assert lucky_number_for(tt.world.school, TODAY) == first
    assert LuckyNumber.objects.filter(school=tt.world.school).count() == 1
    # a stored number wins over the draw
    LuckyNumber.objects.filter(date=TODAY).update(number=99)
    assert lucky_number_for(tt.world.school, TODAY) == 99


def test_lucky_number_skips_weekends_and_days_off(tt: Timetable) -> None:
    enable_lucky(tt)
    assert lucky_number_for(tt.world.school, TODAY - D(days=1)) is None  # Sunday
    Event.objects.create(
        school=tt.world.school,
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.SCHOOL,
        title="wolne",
        starts_on=TODAY + D(days=1),
        ends_on=TODAY + D(days=1),
    )
    assert lucky_number_for(tt.world.school, TODAY + D(days=1)) is None
    today, (following, number) = lucky_number_today_and_next(tt.world.school, TODAY)
    assert today is not None and following == TODAY + D(days=2) and number is not None


def test_predraw_command(tt: Timetable, on_today: Any) -> None:
    enable_lucky(tt)
    call_command("draw_lucky_numbers")
    assert list(LuckyNumber.objects.values_list("date", flat=True)) == [TODAY + D(days=1)]


def test_predraw_task(tt: Timetable, on_today: Any) -> None:
    from kajet.timetable.tasks import lucky_numbers_predraw_task

    enable_lucky(tt)
    assert lucky_numbers_predraw_task.delay().get() == 1
    assert LuckyNumber.objects.get().date == TODAY + D(days=1)
