"""Editing a calendar event: the service (rules, test-load policy without counting the event
itself, history, notifications) and the page three ways."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kajet.accounts.models import Role
from kajet.core.models import HistoryEntry
from kajet.timetable import services
from kajet.timetable.models import CalendarPolicy, Event
from kajet.timetable.tests.conftest import TODAY, Timetable, notified_user_ids

pytestmark = pytest.mark.django_db

D = datetime.timedelta
FAR = TODAY + D(days=14)  # a Monday, well past the notice period


def add_test(tt: Timetable, day: datetime.date, *, title: str = "Sprawdzian") -> Event:
    w = tt.world
    return services.event_add(
        school=w.school,
        actor=w.user(Role.TEACHER),
        kind="test",
        scope=Event.Scope.CLASSES,
        title=title,
        starts_on=day,
        today=TODAY,
        classes=[w.school_class],
        course=w.course,
        confirmed=True,
    )


def update(tt: Timetable, event: Event, **changes: Any) -> Event:
    w = tt.world
    fields: dict[str, Any] = {
        "kind": event.kind,
        "scope": event.scope,
        "title": event.title,
        "starts_on": event.starts_on,
        "ends_on": None,  # one day, as the form's empty "until"
        "classes": list(event.classes.all()),
        "group": event.group,
        "course": event.course,
        "period": event.period,
        "description": event.description,
    }
    fields.update(changes)
    actor = fields.pop("actor", w.user(Role.TEACHER))
    return services.event_update(school=w.school, actor=actor, event=event, today=TODAY, **fields)


# --- Service ----------------------------------------------------------------------------------


def test_edit_keeps_history_of_old_and_new(tt: Timetable) -> None:
    event = add_test(tt, FAR)
    update(tt, event, title="Sprawdzian z ułamków", starts_on=FAR + D(days=1))
    event.refresh_from_db()
    assert event.title == "Sprawdzian z ułamków"
    assert event.starts_on == event.ends_on == FAR + D(days=1)
    entry = HistoryEntry.objects.get(code="timetable.event.updated", object_id=event.pk)
    assert entry.actor == tt.world.user(Role.TEACHER)
    assert entry.old["title"] == "Sprawdzian" and entry.new["title"] == "Sprawdzian z ułamków"
    assert entry.old["starts_on"] == FAR.isoformat()
    assert entry.new["starts_on"] == (FAR + D(days=1)).isoformat()
    assert entry.at is not None


def test_saving_without_a_change_records_nothing(tt: Timetable) -> None:
    event = add_test(tt, FAR)
    update(tt, event)
    assert not HistoryEntry.objects.filter(code="timetable.event.updated").exists()


def test_the_event_does_not_count_against_itself(tt: Timetable) -> None:
    """Policy: one test a week, refused beyond. Moving the week's only test to another day
    of the same week is not a second test."""
    services.calendar_policy_update(
        school=tt.world.school,
        actor=None,
        mode=CalendarPolicy.Mode.REFUSE,
        max_tests_per_week=1,
    )
    event = add_test(tt, FAR)
    update(tt, event, starts_on=FAR + D(days=1))
    assert Event.objects.get(pk=event.pk).starts_on == FAR + D(days=1)
    update(tt, event, title="Nowy tytuł")
    assert Event.objects.get(pk=event.pk).title == "Nowy tytuł"


def test_moving_onto_a_busy_day_warns_then_accepts_confirmation(tt: Timetable) -> None:
    add_test(tt, FAR, title="Pierwszy")
    event = add_test(tt, FAR + D(days=1), title="Drugi")
    with pytest.raises(services.TestLoadError) as raised:
        update(tt, event, starts_on=FAR)
    assert not raised.value.check.refuse
    assert "6b" in raised.value.check.messages()[0]
    assert Event.objects.get(pk=event.pk).starts_on == FAR + D(days=1)  # unchanged
    update(tt, event, starts_on=FAR, confirmed=True)
    assert Event.objects.get(pk=event.pk).starts_on == FAR
    entry = HistoryEntry.objects.get(code="timetable.event.updated", object_id=event.pk)
    assert entry.new["confirmed_over_limit"] is True


def test_moving_onto_a_busy_day_refused_when_policy_says_so(tt: Timetable) -> None:
    services.calendar_policy_update(
        school=tt.world.school, actor=None, mode=CalendarPolicy.Mode.REFUSE
    )
    add_test(tt, FAR, title="Pierwszy")
    event = add_test(tt, FAR + D(days=1), title="Drugi")
    with pytest.raises(services.TestLoadError) as raised:
        update(tt, event, starts_on=FAR, confirmed=True)
    assert raised.value.check.refuse
    assert Event.objects.get(pk=event.pk).starts_on == FAR + D(days=1)
    assert not HistoryEntry.objects.filter(code="timetable.event.updated").exists()


def test_too_little_notice_on_a_moved_date_is_checked(tt: Timetable) -> None:
    services.calendar_policy_update(
        school=tt.world.school, actor=None, mode=CalendarPolicy.Mode.REFUSE, min_notice_days=7
    )
    event = add_test(tt, FAR)
    with pytest.raises(services.TestLoadError):
        update(tt, event, starts_on=TODAY + D(days=2))


def test_a_trip_turned_into_a_test_is_checked(tt: Timetable) -> None:
    w = tt.world
    add_test(tt, FAR)
    trip = services.event_add(
        school=w.school,
        actor=w.user(Role.TEACHER),
        kind="trip",
        scope=Event.Scope.CLASSES,
        title="Wyjście",
        starts_on=FAR,
        today=TODAY,
        classes=[w.school_class],
    )
    with pytest.raises(services.TestLoadError):
        update(tt, trip, kind="test", course=w.course)


def test_bad_input_changes_nothing(tt: Timetable) -> None:
    event = add_test(tt, FAR)
    with pytest.raises(ValidationError):
        update(tt, event, ends_on=FAR - D(days=1))
    with pytest.raises(ValidationError):
        update(tt, event, course=None)
    with pytest.raises(ValidationError):
        update(tt, event, classes=[])
    event.refresh_from_db()
    assert (event.starts_on, event.ends_on, event.course_id) == (FAR, FAR, tt.world.course.pk)
    assert not HistoryEntry.objects.filter(code="timetable.event.updated").exists()


def test_edit_notifies_old_and_new_audience(
    tt: Timetable, django_capture_on_commit_callbacks: Any
) -> None:
    from kajet.testutils.factories import StudentFactory, guardian_for

    w = tt.world
    other_student = StudentFactory(school_class=w.other_class)
    other_guardian = guardian_for(other_student, login="7211111")
    trip = services.event_add(
        school=w.school,
        actor=w.user(Role.PRINCIPAL),
        kind="trip",
        scope=Event.Scope.CLASSES,
        title="Wycieczka",
        starts_on=FAR,
        today=TODAY,
        classes=[w.school_class],
    )
    with django_capture_on_commit_callbacks(execute=True):
        update(tt, trip, classes=[w.other_class], actor=w.user(Role.PRINCIPAL))
    notified = notified_user_ids("event")
    # the class it was for (6b) and the class it is for now (2a), students and guardians
    assert {w.student.user_id, w.user(Role.GUARDIAN).pk} <= notified
    assert {other_student.user_id, other_guardian.pk, w.other_student.user_id} <= notified
    assert w.user(Role.TEACHER).pk not in notified


# --- Page ---------------------------------------------------------------------------------


def form_data(tt: Timetable, day: datetime.date, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "test",
        "course": tt.world.course.pk,
        "title": "Sprawdzian",
        "starts_on": day.isoformat(),
        **extra,
    }


def test_author_edits_on_the_page(tt: Timetable, client_for: Any, on_today: Any) -> None:
    event = add_test(tt, FAR)
    client = client_for(tt.world.user(Role.TEACHER))
    url = reverse("timetable:event_edit", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Edit the event" in body and 'value="Sprawdzian"' in body
    response = client.post(url, form_data(tt, FAR, title="Sprawdzian – ułamki"))
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "Sprawdzian – ułamki"
    detail = client.get(reverse("timetable:event", args=[event.pk])).content.decode()
    assert "History" in detail and "Sprawdzian – ułamki" in detail
    assert reverse("timetable:event_edit", args=[event.pk]) in detail


def test_edit_page_warns_about_the_load_policy(
    tt: Timetable, client_for: Any, on_today: Any
) -> None:
    add_test(tt, FAR, title="Pierwszy")
    event = add_test(tt, FAR + D(days=1), title="Drugi")
    client = client_for(tt.world.user(Role.TEACHER))
    url = reverse("timetable:event_edit", args=[event.pk])
    response = client.post(url, form_data(tt, FAR, title="Drugi"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Warning: the test breaks" in body and "save it anyway" in body
    assert Event.objects.get(pk=event.pk).starts_on == FAR + D(days=1)
    response = client.post(url, form_data(tt, FAR, title="Drugi", confirm="on"))
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).starts_on == FAR


def test_edit_page_refuses_when_policy_says_so(
    tt: Timetable, client_for: Any, on_today: Any
) -> None:
    CalendarPolicy.objects.create(school=tt.world.school, mode="refuse")
    add_test(tt, FAR, title="Pierwszy")
    event = add_test(tt, FAR + D(days=1), title="Drugi")
    client = client_for(tt.world.user(Role.TEACHER))
    url = reverse("timetable:event_edit", args=[event.pk])
    response = client.post(url, form_data(tt, FAR, title="Drugi", confirm="on"))
    assert response.status_code == 400
    assert "Not saved" in response.content.decode()
    assert Event.objects.get(pk=event.pk).starts_on == FAR + D(days=1)


def test_manager_edits_someone_elses_event(tt: Timetable, client_for: Any) -> None:
    event = add_test(tt, FAR)
    client = client_for(tt.world.user(Role.PRINCIPAL))
    url = reverse("timetable:event_edit", args=[event.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(tt, FAR, title="Sprawdzian (dyrekcja)"))
    assert response.status_code == 302
    entry = HistoryEntry.objects.get(code="timetable.event.updated", object_id=event.pk)
    assert entry.actor == tt.world.user(Role.PRINCIPAL)


@pytest.mark.parametrize(
    "role", [Role.HOMEROOM_TEACHER, Role.GUARDIAN, Role.STUDENT, Role.PEDAGOGUE]
)
def test_wrong_role_gets_404(tt: Timetable, client_for: Any, role: str) -> None:
    """Another teacher (even the class's homeroom teacher), the family, the counsellor."""
    event = add_test(tt, FAR)
    client = client_for(tt.world.user(role))
    url = reverse("timetable:event_edit", args=[event.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(tt, FAR, title="x")).status_code == 404
    assert Event.objects.get(pk=event.pk).title == "Sprawdzian"
    detail = client.get(reverse("timetable:event", args=[event.pk])).content.decode()
    assert reverse("timetable:event_edit", args=[event.pk]) not in detail


@pytest.mark.parametrize("role", [Role.PRINCIPAL, Role.TEACHER])
def test_other_school_gets_404(tt: Timetable, other_world: Any, client_for: Any, role: str) -> None:
    event = add_test(tt, FAR)
    client = client_for(other_world.user(role))
    url = reverse("timetable:event_edit", args=[event.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(tt, FAR, title="x")).status_code == 404
    assert Event.objects.get(pk=event.pk).title == "Sprawdzian"
