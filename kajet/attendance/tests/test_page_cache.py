"""The family attendance page's cached overview (``page_cache``): a copy from the cache is the
page built afresh, every change to what it shows — through the services the school uses —
shows on the next visit, and a visit costs the same queries whatever the number of marks."""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from kajet.attendance import page_cache, selectors, services, stats
from kajet.attendance import policy as settings_services
from kajet.attendance.models import AttendanceMark, Excuse, Lesson
from kajet.attendance.tests.helpers import period
from kajet.school import services as school_services
from kajet.school.models import Guardianship, LessonPeriod, SchoolClass, Student, Subject
from kajet.testutils.factories import SchoolWorld, StudentFactory

URL = reverse("attendance:family")


def _school_day() -> datetime.date:
    """A weekday of the current term before today (the week the tests look at)."""
    day = timezone.localdate() - datetime.timedelta(days=3)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


DAY = _school_day()


def _page(client: Any, **params: str) -> str:
    response = client.get(URL, {"tydzien": DAY.isoformat(), **params})
    assert response.status_code == 200
    # The CSRF token differs per response; everything else must not.
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def _main(page: str) -> str:
    """The page's own content (not the navigation, whose unread count a decision's message
    moves)."""
    return page[page.index('<main id="main"') : page.index("</main>")]


def _fresh(client: Any, **params: str) -> str:
    """The page built afresh (nothing in the cache)."""
    cache.clear()
    return _page(client, **params)


def _types(world: SchoolWorld) -> dict[str, Any]:
    return {t.kind: t for t in services.attendance_types_for(world.school) if t.is_standard}


def _save(world: SchoolWorld, number: int, type_id: int, lesson: Lesson | None = None) -> Lesson:
    """The teacher takes attendance at lesson ``number`` of DAY: the student gets ``type_id``."""
    versions = None
    if lesson is not None:
        mark = AttendanceMark.objects.get(lesson=lesson, student=world.student)
        versions = {world.student.pk: mark.version}
    return services.lesson_save(
        actor=world.user("teacher"),
        course=world.course,
        day=DAY,
        period=period(world.course, number),
        topic="Ułamki",
        marks={world.student.pk: type_id},
        roster=selectors.roster_for(world.course, DAY),
        types=services.attendance_types_for(world.school),
        lesson=lesson,
        versions=versions,
    )


def _setup(world: SchoolWorld) -> dict[str, Any]:
    """An absence at lesson 1 and a school-defined type ("wycieczka") at lesson 2 of DAY."""
    trip = settings_services.attendance_type_add(
        actor=world.user("school_admin"),
        school=world.school,
        name="wycieczka",
        code="wy",
        colour="#7c3aed",
        kind=stats.PRESENT,
    )
    absence = _save(world, 1, _types(world)[stats.ABSENT].pk)
    _save(world, 2, trip.pk)
    mark = AttendanceMark.objects.get(lesson=absence, student=world.student)
    return {"trip": trip, "absence": absence, "mark": mark}


def _submit(world: SchoolWorld, made: dict[str, Any]) -> Excuse:
    return services.excuse_submit(
        actor=world.user("guardian"),
        student=world.student,
        mark_ids=[made["mark"].pk],
        reason="Choroba",
    )


# Each change returns a text the next visit must show (or, after "!", must no longer show);
# CHANGED: the page differs; None: nothing the page shows changed (the visit must still be
# the page built afresh).
CHANGED = ""
CHANGES: dict[str, Callable[[SchoolWorld, dict[str, Any]], str | None]] = {}


def change(name: str) -> Callable[[Any], Any]:
    def register(function: Any) -> Any:
        CHANGES[name] = function
        return function

    return register


@change("a mark added")
def _mark_added(world: SchoolWorld, made: dict[str, Any]) -> str:
    _save(world, 3, _types(world)[stats.LATE].pk)
    return ">sp<"


@change("a mark changed")
def _mark_changed(world: SchoolWorld, made: dict[str, Any]) -> str:
    _save(world, 1, _types(world)[stats.RELEASED].pk, lesson=made["absence"])
    return ">zw<"


@change("an excuse filed")
def _excuse_filed(world: SchoolWorld, made: dict[str, Any]) -> None:
    _submit(world, made)


@change("an excuse approved")
def _excuse_approved(world: SchoolWorld, made: dict[str, Any]) -> str:
    services.excuse_approve(actor=world.user("homeroom_teacher"), excuse=_submit(world, made))
    return '<h2 id="unexcused-h">Unexcused absences <span class="badge">0</span>'


@change("an excuse rejected")
def _excuse_rejected(world: SchoolWorld, made: dict[str, Any]) -> None:
    services.excuse_reject(
        actor=world.user("homeroom_teacher"), excuse=_submit(world, made), note="Brak podstaw"
    )


@change("an excuse withdrawn")
def _excuse_withdrawn(world: SchoolWorld, made: dict[str, Any]) -> None:
    services.excuse_withdraw(actor=world.user("guardian"), excuse=_submit(world, made))


@change("a type renamed and recoloured")
def _type_renamed(world: SchoolWorld, made: dict[str, Any]) -> str:
    settings_services.attendance_type_update(
        actor=world.user("school_admin"),
        attendance_type=made["trip"],
        name="wycieczka szkolna",
        code="wy",
        colour="#123456",
        kind=stats.PRESENT,
    )
    return 'style="background:#123456;color:#ffffff" title="Matematyka: wycieczka szkolna"'


@change("the threshold changed")
def _threshold(world: SchoolWorld, made: dict[str, Any]) -> str:
    settings_services.attendance_policy_update(
        actor=world.user("school_admin"),
        school=world.school,
        threshold_percent=80,
        excuse_deadline_days=7,
        adult_self_excuse=False,
    )
    return "threshold is 80%"


@change("a lesson's topic changed")
def _topic(world: SchoolWorld, made: dict[str, Any]) -> None:
    services.lesson_save(
        actor=world.user("teacher"),
        course=world.course,
        day=DAY,
        period=period(world.course, 1),
        topic="Potęgi",
        marks={world.student.pk: _types(world)[stats.ABSENT].pk},
        roster=selectors.roster_for(world.course, DAY),
        types=services.attendance_types_for(world.school),
        lesson=made["absence"],
        versions={world.student.pk: made["mark"].version},
    )


@change("a lesson deleted")
def _lesson_deleted(world: SchoolWorld, made: dict[str, Any]) -> str:
    # No service deletes a held lesson (the register keeps them); a deletion in the database
    # takes the lesson's marks with it (CASCADE) and must still show.
    made["absence"].delete()
    return '<h2 id="unexcused-h">Unexcused absences <span class="badge">0</span>'


@change("a subject renamed")
def _subject_renamed(world: SchoolWorld, made: dict[str, Any]) -> str:
    subject = Subject.objects.get(pk=world.subject.pk)
    subject.name = "Matematyka rozszerzona"
    school_services.structure_save(actor=world.user("school_admin"), obj=subject, kind="subject")
    return "Matematyka rozszerzona"


@change("a lesson period renumbered")
def _period_renumbered(world: SchoolWorld, made: dict[str, Any]) -> str:
    first = LessonPeriod.objects.get(school=world.school, number=1)
    first.number = 7
    school_services.structure_save(actor=world.user("school_admin"), obj=first, kind="period")
    return '<th scope="row">7.</th>'


@change("a term's dates changed")
def _term_changed(world: SchoolWorld, made: dict[str, Any]) -> str:
    term = world.term
    term.ends_on = DAY - datetime.timedelta(days=1)
    school_services.structure_save(actor=world.user("school_admin"), obj=term, kind="term")
    return CHANGED  # the absence and the trip no longer count in term I


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("role", ["guardian", "student"])
def test_every_change_shows_on_the_next_visit(
    world: SchoolWorld, client_for: Any, name: str, role: str
) -> None:
    made = _setup(world)
    client = client_for(world.user(role))
    _page(client)
    before = _page(client)  # served from the cache
    expected = CHANGES[name](world, made)
    after = _page(client)
    assert after == _fresh(client)
    if expected is None:
        assert _main(after) == _main(before)
    elif expected == CHANGED:
        assert after != before
    elif expected.startswith("!"):
        assert expected[1:] in before and expected[1:] not in after
    else:
        assert expected not in before and expected in after


def test_the_cached_page_is_the_page_built_afresh(world: SchoolWorld, client_for: Any) -> None:
    _setup(world)
    for role in ("guardian", "student"):
        client = client_for(world.user(role))
        for week in (DAY, DAY - datetime.timedelta(days=7), world.year.starts_on):
            fresh = _fresh(client, tydzien=week.isoformat())
            assert _page(client, tydzien=week.isoformat()) == fresh  # from the cache
            assert _page(client, tydzien=week.isoformat()) == fresh


def test_each_week_child_and_language_has_its_own_copy(world: SchoolWorld, client_for: Any) -> None:
    _setup(world)
    sibling_class = SchoolClass.objects.create(
        school=world.school, year=world.year, name="3c", level=3
    )
    sibling = StudentFactory(school=world.school, school_class=sibling_class)
    Guardianship.objects.create(
        school=world.school, guardian=world.user("guardian"), student=sibling
    )
    client = client_for(world.user("guardian"))
    # The children are listed by first name (random here): choose the one with the marks.
    switch = reverse("dashboard:switch_child", args=[world.student.pk])
    assert client.post(switch, {"next": URL}).status_code == 302
    this_week = _page(client)
    assert ">wy<" in this_week
    earlier = _page(client, tydzien=(DAY - datetime.timedelta(days=7)).isoformat())
    assert ">wy<" not in earlier and "No lessons recorded in this week." in earlier
    assert _page(client) == this_week
    # Another child chosen in the switcher: their (empty) attendance, then back.
    for child, marks_shown in ((sibling, False), (world.student, True)):
        switch = reverse("dashboard:switch_child", args=[child.pk])
        assert client.post(switch, {"next": URL}).status_code == 302
        page = _page(client)
        assert (">wy<" in page) is marks_shown
        assert page == _fresh(client)
    client.cookies["django_language"] = "pl"
    polish = _page(client)
    assert "Nieusprawiedliwione nieobecności" in polish  # in the overview
    assert polish == _fresh(client)
    client.cookies["django_language"] = "en"
    assert _page(client) == this_week


def test_the_button_follows_the_policy_for_an_adult_student(
    world: SchoolWorld, client_for: Any
) -> None:
    """A student of age may excuse themself only when the policy allows it: the button in
    the cached overview follows the policy and the birthday."""
    _setup(world)
    client = client_for(world.user("student"))
    assert "Excuse absences</a>" not in _page(client)
    settings_services.attendance_policy_update(
        actor=world.user("school_admin"),
        school=world.school,
        threshold_percent=50,
        excuse_deadline_days=7,
        adult_self_excuse=True,
    )
    assert "Excuse absences</a>" not in _page(client)  # not of age yet
    Student.objects.filter(pk=world.student.pk).update(birth_date=datetime.date(2000, 1, 1))
    page = _page(client)
    assert "Excuse absences</a>" in page and page == _fresh(client)


@pytest.mark.parametrize("n_marks", [10, 1000])
def test_a_visit_costs_the_same_queries_whatever_the_marks(
    world: SchoolWorld, client_for: Any, django_assert_num_queries: Any, n_marks: int
) -> None:
    types = services.attendance_types_for(world.school)
    lessons = Lesson.objects.bulk_create(
        Lesson(
            school=world.school,
            course=world.course,
            date=world.year.starts_on + datetime.timedelta(days=i // 3),
            period=period(world.course, i % 3 + 1),
            teacher=world.course.teacher,
        )
        for i in range(n_marks)
    )
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            school=world.school, lesson=lesson, student=world.student, type=types[i % len(types)]
        )
        for i, lesson in enumerate(lessons)
    )
    client = client_for(world.user("guardian"))
    client.get(reverse("dashboard:home"))  # the first request of the session writes it
    # Session, user, children, year, terms, policy, the marks, the navigation's unread
    # count: the same rendered afresh and from the cache.
    with django_assert_num_queries(8):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(URL).status_code == 200


def test_marks_for_student_reads_both_ends_and_nothing_beyond(world: SchoolWorld) -> None:
    """The negated upper bound (``selectors.marks_for_student``) reads what a plain range
    reads: the marks from ``start`` to ``end``, both included."""
    absent = _types(world)[stats.ABSENT].pk
    days: list[datetime.date] = []
    day = DAY
    while len(days) < 5:  # five school days back from DAY
        if day.weekday() < 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    for day in days:
        services.lesson_save(
            actor=world.user("teacher"),
            course=world.course,
            day=day,
            period=period(world.course, 1),
            topic="",
            marks={world.student.pk: absent},
            roster=selectors.roster_for(world.course, day),
            types=services.attendance_types_for(world.school),
        )
    start, end = days[3], days[1]
    rows = selectors.marks_for_student(world.student, start, end)
    plain = AttendanceMark.objects.filter(
        student=world.student, lesson__date__range=(start, end)
    ).order_by("lesson__date")
    assert [r.mark_id for r in rows] == [m.pk for m in plain]
    assert [r.date for r in rows] == sorted(day for day in days if start <= day <= end)


def test_the_key_digests_every_field_of_a_row() -> None:
    row = selectors.MarkRow(1, DAY, 1, 2, "Matematyka", "nb", "#dc2626", "absent", "absent")
    assert row.as_tuple() == dataclasses.astuple(row)
    assert page_cache.CODE_VERSION
