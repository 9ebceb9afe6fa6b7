"""Every page three ways: the right role gets it, a wrong role of the same school gets 404,
the same role from another school gets 404 for school A's objects."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from kajet.accounts.models import Role
from kajet.timetable.models import CalendarPolicy, Event, LessonChange, TimetableEntry
from kajet.timetable.tests.conftest import (
    MONDAY,
    TODAY,
    Timetable,
    build_timetable,
    notified_user_ids,
)

D = datetime.timedelta
WEEK = f"?tydzien={MONDAY.isoformat()}"
STAFF_VIEWERS = [
    Role.TEACHER,
    Role.HOMEROOM_TEACHER,
    Role.PRINCIPAL,
    Role.SCHOOL_ADMIN,
    Role.SECRETARIAT,
]


@pytest.fixture
def other_tt(other_world: Any) -> Timetable:
    return build_timetable(other_world)


def get(client_for: Any, user: Any, url: str) -> Any:
    return client_for(user).get(url)


# --- Week views -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.STUDENT])
def test_family_week(tt: Timetable, client_for: Any, role: str, on_today: Any) -> None:
    LessonChange.objects.create(
        school=tt.world.school, entry=tt.math_monday, date=MONDAY, kind="cancellation", note="chory"
    )
    response = get(client_for, tt.world.user(role), reverse("timetable:week") + WEEK)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Matematyka" in body and "Język niemiecki" in body
    assert "Cancelled" in body and "chory" in body
    assert 'aria-current="date"' in body  # today is highlighted


def test_family_week_of_other_school_shows_own_only(
    tt: Timetable, other_world: Any, client_for: Any
) -> None:
    response = get(client_for, other_world.user(Role.GUARDIAN), reverse("timetable:week") + WEEK)
    assert response.status_code == 200
    assert "Język niemiecki" not in response.content.decode()


def test_teacher_week_and_print(tt: Timetable, client_for: Any) -> None:
    client = client_for(tt.world.user(Role.TEACHER))
    body = client.get(reverse("timetable:week") + WEEK).content.decode()
    assert "6b" in body and "Język niemiecki" not in body
    printed = client.get(reverse("timetable:week") + WEEK + "&druk=1")
    assert printed.status_code == 200
    assert "data-print" in printed.content.decode()


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.PEDAGOGUE])
def test_non_teaching_staff_go_to_overview(tt: Timetable, client_for: Any, role: str) -> None:
    response = get(client_for, tt.world.user(role), reverse("timetable:week"))
    assert response.status_code == 302
    assert response.url == reverse("timetable:overview")


@pytest.mark.parametrize("role", STAFF_VIEWERS)
def test_overview(tt: Timetable, other_tt: Timetable, client_for: Any, role: str) -> None:
    response = get(client_for, tt.world.user(role), reverse("timetable:overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("timetable:class_week", args=[tt.world.school_class.pk]) in body
    assert reverse("timetable:class_week", args=[other_tt.world.school_class.pk]) not in body


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.STUDENT])
def test_overview_refused_to_family(tt: Timetable, client_for: Any, role: str) -> None:
    assert get(client_for, tt.world.user(role), reverse("timetable:overview")).status_code == 404


def _school_weeks(tt: Timetable) -> list[str]:
    return [
        reverse("timetable:class_week", args=[tt.world.school_class.pk]),
        reverse("timetable:teacher_week", args=[tt.world.user(Role.TEACHER).pk]),
        reverse("timetable:room_week", args=[tt.room.pk]),
    ]


@pytest.mark.parametrize("role", STAFF_VIEWERS)
def test_school_weeks_for_staff(tt: Timetable, client_for: Any, role: str) -> None:
    client = client_for(tt.world.user(role))
    for url in _school_weeks(tt):
        response = client.get(url + WEEK)
        assert response.status_code == 200, url
        assert "Matematyka" in response.content.decode()


def test_room_week_title_prefixes_only_numbered_rooms(tt: Timetable, client_for: Any) -> None:
    client = client_for(tt.world.user(Role.PRINCIPAL))
    gym = client.get(reverse("timetable:room_week", args=[tt.gym.pk]) + WEEK).content.decode()
    assert "Timetable — Sala gimnastyczna" in gym and "room Sala" not in gym
    room = client.get(reverse("timetable:room_week", args=[tt.room.pk]) + WEEK).content.decode()
    assert f"Timetable — room {tt.room.name}" in room


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.STUDENT])
def test_school_weeks_refused_to_family(tt: Timetable, client_for: Any, role: str) -> None:
    client = client_for(tt.world.user(role))
    for url in _school_weeks(tt):
        assert client.get(url).status_code == 404, url


def test_school_weeks_refused_to_other_school(
    tt: Timetable, other_world: Any, client_for: Any
) -> None:
    client = client_for(other_world.user(Role.SCHOOL_ADMIN))
    for url in _school_weeks(tt):
        assert client.get(url).status_code == 404, url


def test_class_week_query_budget(
    tt: Timetable, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(tt.world.user(Role.SCHOOL_ADMIN))
    url = reverse("timetable:class_week", args=[tt.world.school_class.pk]) + WEEK
    client.get(url)
    with django_assert_max_num_queries(20):
        client.get(url)


# --- Administration -------------------------------------------------------------------------


def test_manage_page_and_new_version(tt: Timetable, client_for: Any) -> None:
    client = client_for(tt.world.user(Role.SCHOOL_ADMIN))
    assert client.get(reverse("timetable:manage")).status_code == 200
    response = client.post(
        reverse("timetable:manage"), {"plan-valid_from": "2026-12-01", "plan-name": "grudzień"}
    )
    assert response.status_code == 302
    assert TimetableEntry.objects.filter(plan__valid_from=datetime.date(2026, 12, 1)).count() == 5
    response = client.post(
        reverse("timetable:manage"), {"room-name": "Aula", "room-description": ""}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("role", [Role.TEACHER, Role.PRINCIPAL, Role.GUARDIAN, Role.SECRETARIAT])
def test_manage_refused(tt: Timetable, client_for: Any, role: str) -> None:
    client = client_for(tt.world.user(role))
    assert client.get(reverse("timetable:manage")).status_code == 404
    url = reverse("timetable:grid", args=[tt.plan.pk, tt.world.school_class.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_grid_of_other_school_is_404(tt: Timetable, other_world: Any, client_for: Any) -> None:
    client = client_for(other_world.user(Role.SCHOOL_ADMIN))
    assert (
        client.get(
            reverse("timetable:grid", args=[tt.plan.pk, tt.world.school_class.pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("timetable:manage")).status_code == 200


def grid_post(tt: Timetable, cells: dict[str, Any]) -> dict[str, str]:
    data = {}
    for (wd, period, k), (course, room) in cells.items():
        data[f"c-{wd}-{period.pk}-{k}"] = str(course.pk)
        data[f"r-{wd}-{period.pk}-{k}"] = str(room.pk) if room else ""
    return data


def test_grid_shows_and_saves(tt: Timetable, client_for: Any) -> None:
    client = client_for(tt.world.user(Role.SCHOOL_ADMIN))
    url = reverse("timetable:grid", args=[tt.plan.pk, tt.world.school_class.pk])
    body = client.get(url).content.decode()
    assert f'name="c-0-{tt.periods[0].pk}-0"' in body
    p = tt.periods
    data = grid_post(
        tt,
        {
            (4, p[2], 0): (tt.world.course, tt.room),
            (1, p[0], 0): (tt.group_course, tt.gym),
            (1, p[0], 1): (tt.other_group_course, None),
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert sorted(
        TimetableEntry.objects.filter(
            plan=tt.plan, course__school_class=tt.world.school_class
        ).values_list("weekday", "period__number")
    ) == [(1, 1), (1, 1), (4, 3)]


def test_grid_conflict_is_refused_with_its_name(tt: Timetable, client_for: Any) -> None:
    client = client_for(tt.world.user(Role.SCHOOL_ADMIN))
    url = reverse("timetable:grid", args=[tt.plan.pk, tt.world.school_class.pk])
    data = grid_post(tt, {(0, tt.periods[0], 0): (tt.world.course, tt.gym)})  # 2a is in the gym
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Sala gimnastyczna: two lessons at once" in response.content.decode()
    assert TimetableEntry.objects.filter(plan=tt.plan).count() == 5


def test_grid_refuses_course_of_other_class(tt: Timetable, client_for: Any) -> None:
    client = client_for(tt.world.user(Role.SCHOOL_ADMIN))
    url = reverse("timetable:grid", args=[tt.plan.pk, tt.world.school_class.pk])
    data = grid_post(tt, {(3, tt.periods[0], 0): (tt.other_class_course, None)})
    assert client.post(url, data).status_code == 404


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.PRINCIPAL])
def test_change_add_and_remove(
    tt: Timetable, client_for: Any, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(tt.world.user(role))
    url = reverse("timetable:change_add", args=[tt.math_monday.pk, MONDAY.isoformat()])
    assert client.get(url).status_code == 200
    substitute = tt.other_class_course.teacher
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"kind": "substitution", "new_teacher": substitute.pk, "note": "zastępstwo"}
        )
    assert response.status_code == 302
    change = LessonChange.objects.get()
    assert change.new_teacher == substitute
    assert notified_user_ids("change")
    assert client.get(reverse("timetable:changes")).status_code == 200
    response = client.post(reverse("timetable:change_remove", args=[change.pk]))
    assert response.status_code == 302
    assert not LessonChange.objects.exists()


def test_change_add_on_wrong_day_is_404(tt: Timetable, client_for: Any) -> None:
    client = client_for(tt.world.user(Role.SCHOOL_ADMIN))
    url = reverse(
        "timetable:change_add", args=[tt.math_monday.pk, (MONDAY + D(days=1)).isoformat()]
    )
    assert client.get(url).status_code == 404


def test_change_form_errors_are_shown(tt: Timetable, client_for: Any) -> None:
    client = client_for(tt.world.user(Role.SCHOOL_ADMIN))
    url = reverse("timetable:change_add", args=[tt.math_monday.pk, MONDAY.isoformat()])
    response = client.post(url, {"kind": "substitution"})
    assert response.status_code == 200
    assert "needs another teacher" in response.content.decode()


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GUARDIAN, Role.SECRETARIAT])
def test_changes_refused(tt: Timetable, client_for: Any, role: str) -> None:
    change = LessonChange.objects.create(
        school=tt.world.school, entry=tt.math_monday, date=MONDAY, kind="cancellation"
    )
    client = client_for(tt.world.user(role))
    assert client.get(reverse("timetable:changes")).status_code == 404
    assert (
        client.get(
            reverse("timetable:change_add", args=[tt.math_monday.pk, MONDAY.isoformat()])
        ).status_code
        == 404
    )
    assert client.post(reverse("timetable:change_remove", args=[change.pk])).status_code == 404


def test_changes_of_other_school_are_404(tt: Timetable, other_world: Any, client_for: Any) -> None:
    change = LessonChange.objects.create(
        school=tt.world.school, entry=tt.math_monday, date=MONDAY, kind="cancellation"
    )
    client = client_for(other_world.user(Role.SCHOOL_ADMIN))
    assert (
        client.get(
            reverse("timetable:change_add", args=[tt.math_monday.pk, MONDAY.isoformat()])
        ).status_code
        == 404
    )
    assert client.post(reverse("timetable:change_remove", args=[change.pk])).status_code == 404
    assert LessonChange.objects.exists()
    assert "Matematyka" not in client.get(reverse("timetable:changes")).content.decode()


# --- Calendar -------------------------------------------------------------------------------


@pytest.fixture
def events(tt: Timetable) -> dict[str, Event]:
    w = tt.world
    test = Event.objects.create(
        school=w.school,
        kind="test",
        scope="classes",
        title="Sprawdzian z ułamków",
        starts_on=MONDAY + D(days=2),
        ends_on=MONDAY + D(days=2),
        course=w.course,
        author=w.user(Role.TEACHER),
    )
    test.classes.set([w.school_class])
    trip = Event.objects.create(
        school=w.school,
        kind="trip",
        scope="classes",
        title="Wycieczka 2a",
        starts_on=MONDAY + D(days=3),
        ends_on=MONDAY + D(days=3),
    )
    trip.classes.set([w.other_class])
    day_off = Event.objects.create(
        school=w.school,
        kind="day_off",
        scope="school",
        title="Dzień wolny",
        starts_on=MONDAY + D(days=4),
        ends_on=MONDAY + D(days=4),
    )
    return {"test": test, "trip": trip, "day_off": day_off}


CALENDAR_VIEWS = [
    ("timetable:calendar", "?miesiac=2026-11"),
    ("timetable:calendar_week", WEEK),
    ("timetable:calendar_list", f"?od={MONDAY.isoformat()}"),
]


@pytest.mark.parametrize(("name", "query"), CALENDAR_VIEWS)
def test_calendar_views_per_role(
    tt: Timetable, events: dict[str, Event], client_for: Any, name: str, query: str
) -> None:
    url = reverse(name) + query
    family = get(client_for, tt.world.user(Role.GUARDIAN), url).content.decode()
    assert "Sprawdzian z ułamków" in family and "Dzień wolny" in family
    assert "Wycieczka 2a" not in family
    teacher = get(client_for, tt.world.user(Role.TEACHER), url).content.decode()
    assert "Sprawdzian z ułamków" in teacher and "Wycieczka 2a" not in teacher
    staff = get(client_for, tt.world.user(Role.PRINCIPAL), url).content.decode()
    assert "Sprawdzian z ułamków" in staff and "Wycieczka 2a" in staff


@pytest.mark.parametrize(("name", "query"), CALENDAR_VIEWS)
def test_calendar_views_other_school(
    tt: Timetable,
    events: dict[str, Event],
    other_world: Any,
    client_for: Any,
    name: str,
    query: str,
) -> None:
    for role in (Role.GUARDIAN, Role.PRINCIPAL):
        response = get(client_for, other_world.user(role), reverse(name) + query)
        assert response.status_code == 200
        assert "Sprawdzian z ułamków" not in response.content.decode()


def test_event_detail_three_ways(
    tt: Timetable, events: dict[str, Event], other_world: Any, client_for: Any
) -> None:
    url = reverse("timetable:event", args=[events["test"].pk])
    assert get(client_for, tt.world.user(Role.GUARDIAN), url).status_code == 200
    assert get(client_for, tt.world.user(Role.STUDENT), url).status_code == 200
    assert get(client_for, tt.world.user(Role.TEACHER), url).status_code == 200
    # a family member of another class, and another school
    assert (
        get(
            client_for,
            tt.world.user(Role.GUARDIAN),
            reverse("timetable:event", args=[events["trip"].pk]),
        ).status_code
        == 404
    )
    assert get(client_for, other_world.user(Role.PRINCIPAL), url).status_code == 404
    assert get(client_for, other_world.user(Role.GUARDIAN), url).status_code == 404


def test_event_remove_three_ways(
    tt: Timetable, events: dict[str, Event], other_world: Any, client_for: Any
) -> None:
    url = reverse("timetable:event_remove", args=[events["test"].pk])
    assert client_for(tt.world.user(Role.GUARDIAN)).post(url).status_code == 404
    assert (
        client_for(tt.world.user(Role.HOMEROOM_TEACHER)).post(url).status_code == 404
    )  # not the author
    assert client_for(other_world.user(Role.PRINCIPAL)).post(url).status_code == 404
    assert client_for(tt.world.user(Role.TEACHER)).post(url).status_code == 302
    assert not Event.objects.filter(pk=events["test"].pk).exists()
    url = reverse("timetable:event_remove", args=[events["trip"].pk])
    assert client_for(tt.world.user(Role.PRINCIPAL)).post(url).status_code == 302


def event_data(tt: Timetable, day: datetime.date, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "test",
        "course": tt.world.course.pk,
        "title": "Sprawdzian",
        "starts_on": day.isoformat(),
        **extra,
    }


def test_event_add_by_teacher_with_warning(tt: Timetable, client_for: Any, on_today: Any) -> None:
    client = client_for(tt.world.user(Role.TEACHER))
    assert client.get(reverse("timetable:event_add")).status_code == 200
    day = TODAY + D(days=2)  # too little notice
    response = client.post(reverse("timetable:event_add"), event_data(tt, day))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Warning: the test breaks" in body and "notice" in body
    assert not Event.objects.exists()
    response = client.post(reverse("timetable:event_add"), event_data(tt, day, confirm="on"))
    assert response.status_code == 302
    event = Event.objects.get()
    assert list(event.classes.all()) == [tt.world.school_class]


def test_event_add_refused_by_policy(tt: Timetable, client_for: Any, on_today: Any) -> None:
    CalendarPolicy.objects.create(school=tt.world.school, mode="refuse")
    client = client_for(tt.world.user(Role.TEACHER))
    response = client.post(
        reverse("timetable:event_add"), event_data(tt, TODAY + D(days=2), confirm="on")
    )
    assert response.status_code == 400
    assert "Not added" in response.content.decode()
    assert not Event.objects.exists()


def test_teacher_cannot_add_for_foreign_course_or_school_wide(
    tt: Timetable, client_for: Any
) -> None:
    client = client_for(tt.world.user(Role.TEACHER))
    response = client.post(
        reverse("timetable:event_add"),
        event_data(tt, TODAY + D(days=30), course=tt.other_class_course.pk),
    )
    assert response.status_code == 400
    response = client.post(
        reverse("timetable:event_add"),
        {"kind": "day_off", "scope": "school", "title": "x", "starts_on": "2026-12-30"},
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_staff_adds_day_off(tt: Timetable, client_for: Any) -> None:
    client = client_for(tt.world.user(Role.SCHOOL_ADMIN))
    response = client.post(
        reverse("timetable:event_add"),
        {
            "kind": "day_off",
            "scope": "school",
            "title": "Dzień dyrektorski",
            "starts_on": "2026-11-18",
        },
    )
    assert response.status_code == 302
    assert Event.objects.get().scope == "school"


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.STUDENT, Role.PEDAGOGUE])
def test_event_add_refused(tt: Timetable, client_for: Any, role: str) -> None:
    client = client_for(tt.world.user(role))
    assert client.get(reverse("timetable:event_add")).status_code == 404
    assert (
        client.post(reverse("timetable:event_add"), event_data(tt, TODAY + D(days=30))).status_code
        == 404
    )


def test_event_add_other_school_course(tt: Timetable, other_world: Any, client_for: Any) -> None:
    client = client_for(other_world.user(Role.SCHOOL_ADMIN))
    response = client.post(reverse("timetable:event_add"), event_data(tt, TODAY + D(days=30)))
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_policy_three_ways(tt: Timetable, other_world: Any, client_for: Any) -> None:
    url = reverse("timetable:policy")
    data = {
        "max_tests_per_day": 2,
        "max_tests_per_week": 4,
        "min_notice_days": 5,
        "mode": "refuse",
        "lucky_number_enabled": "on",
    }
    client = client_for(tt.world.user(Role.SCHOOL_ADMIN))
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    policy = CalendarPolicy.objects.get(school=tt.world.school)
    assert (policy.max_tests_per_week, policy.mode, policy.lucky_number_enabled) == (
        4,
        "refuse",
        True,
    )
    assert client_for(tt.world.user(Role.TEACHER)).get(url).status_code == 404
    assert client_for(tt.world.user(Role.PRINCIPAL)).post(url, data).status_code == 404
    assert (
        client_for(other_world.user(Role.SCHOOL_ADMIN))
        .post(url, {**data, "max_tests_per_week": 9})
        .status_code
        == 302
    )
    policy.refresh_from_db()
    assert policy.max_tests_per_week == 4


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.STUDENT, Role.TEACHER, Role.SECRETARIAT])
def test_lucky_number_page(
    tt: Timetable, other_world: Any, client_for: Any, role: str, on_today: Any
) -> None:
    CalendarPolicy.objects.create(school=tt.world.school, lucky_number_enabled=True)
    body = get(client_for, tt.world.user(role), reverse("timetable:lucky")).content.decode()
    assert 'class="tt-lucky-number">1<' in body  # the only class-list number in use is 1
    other = get(client_for, other_world.user(role), reverse("timetable:lucky")).content.decode()
    assert "tt-lucky-number" not in other  # school B has it switched off


def test_navigation_entries(tt: Timetable, client_for: Any) -> None:
    body = get(
        client_for, tt.world.user(Role.GUARDIAN), reverse("timetable:calendar")
    ).content.decode()
    assert f'href="{reverse("timetable:week")}"' in body
    assert f'href="{reverse("timetable:calendar")}"' in body


def test_staff_records_teacher_absence_seen_by_that_teacher(tt: Timetable, client_for: Any) -> None:
    teacher = tt.world.user(Role.TEACHER)
    client = client_for(tt.world.user(Role.PRINCIPAL))
    response = client.post(
        reverse("timetable:event_add"),
        {
            "kind": "school_event",
            "scope": "teacher",
            "teacher": teacher.pk,
            "title": "Szkolenie rady pedagogicznej",
            "starts_on": "2026-11-19",
        },
    )
    assert response.status_code == 302
    url = reverse("timetable:calendar_week") + WEEK
    assert "Szkolenie rady" in get(client_for, teacher, url).content.decode()
    assert (
        "Szkolenie rady" not in get(client_for, tt.world.user(Role.GUARDIAN), url).content.decode()
    )
    # a teacher's form has no absence field at all
    form = get(client_for, teacher, reverse("timetable:event_add")).content.decode()
    assert 'name="teacher"' not in form
