"""Nothing the register records is hard-deleted: a calendar event, a lesson change and a
timetable entry removed through a page or the API is soft-deleted — gone from every reader
(the pages, the home page, the iCal feed, the API), kept in ``all_objects`` with who and when,
with a history row holding its old values — and ``delete()`` refuses."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from lxml import etree

from kajet.accounts.models import Role
from kajet.api.tests.helpers import bearer, token_for
from kajet.core.models import HistoryEntry
from kajet.feeds.services import feed_token_regenerate
from kajet.records.xmlio.export import register_chunks
from kajet.records.xmlio.xsd import schema
from kajet.timetable import services
from kajet.timetable.models import Event, LessonChange, TimetableEntry
from kajet.timetable.tests.conftest import MONDAY, TODAY, Timetable, build_timetable
from kajet.timetable.tests.test_views import grid_post

pytestmark = pytest.mark.django_db

D = datetime.timedelta
WEEK = f"?tydzien={MONDAY.isoformat()}"
HOME = reverse("dashboard:home")


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


@pytest.fixture
def tt(world: Any) -> Timetable:
    return build_timetable(world)


@pytest.fixture
def on_today() -> Iterator[None]:
    with time_machine.travel(
        datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw")), tick=False
    ):
        yield


def api(user: Any, method: str, address: str) -> Any:
    return getattr(Client(), method)(address, **bearer(token_for(user)))


def feed(user: Any) -> str:
    token = feed_token_regenerate(actor=user)
    return Client().get(reverse("dashboard:ical_feed", args=[token])).content.decode()


def add_test(tt: Timetable, title: str) -> Event:
    w = tt.world
    return services.event_add(
        school=w.school,
        actor=w.user(Role.TEACHER),
        kind=Event.Kind.TEST,
        scope=Event.Scope.CLASSES,
        classes=[w.school_class],
        course=w.course,
        title=title,
        starts_on=MONDAY + D(days=2),
        today=TODAY,
        confirmed=True,
    )


def history(code: str, object_id: int) -> HistoryEntry:
    return HistoryEntry.objects.get(code=code, object_id=object_id)


# --- delete() refuses ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["event", "change", "entry"])
def test_hard_delete_refuses(tt: Timetable, kind: str) -> None:
    w = tt.world
    row: Any
    if kind == "event":
        row = add_test(tt, "Sprawdzian")
    elif kind == "change":
        row = services.lesson_change_add(
            school=w.school,
            actor=w.user(Role.PRINCIPAL),
            entry=tt.math_monday,
            date=MONDAY,
            kind=LessonChange.Kind.CANCELLATION,
        )
    else:
        row = tt.math_monday
    model = type(row)
    with pytest.raises(TypeError, match="never hard-deleted.*service"):
        row.delete()
    with pytest.raises(TypeError, match="never hard-deleted"):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(TypeError, match="never hard-deleted"):
        model.all_objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk, deleted_at__isnull=True).exists()


# --- calendar events --------------------------------------------------------------------------


def _event_readers(tt: Timetable, event: Event) -> dict[str, bool]:
    """Whether each reader shows the event (by its title)."""
    w = tt.world
    guardian, teacher = w.user(Role.GUARDIAN), w.user(Role.TEACHER)
    title = event.title
    family = Client()
    family.force_login(guardian, backend="kajet.accounts.backends.LoginBackend")
    listed = api(guardian, "get", f"/api/v1/calendar/events?start={MONDAY.isoformat()}")
    return {
        "month": title
        in family.get(reverse("timetable:calendar") + "?miesiac=2026-11").content.decode(),
        "week": title in family.get(reverse("timetable:calendar_week") + WEEK).content.decode(),
        "detail": family.get(reverse("timetable:event", args=[event.pk])).status_code == 200,
        "home": title in family.get(HOME).content.decode(),
        "feed": title in feed(w.user(Role.STUDENT)),
        "api list": title in [e["title"] for e in listed.json()],
        "api one": api(teacher, "get", f"/api/v1/calendar/events/{event.pk}").status_code == 200,
    }


def _assert_event_removed(tt: Timetable, event: Event, by: Any) -> None:
    assert not Event.objects.filter(pk=event.pk).exists()
    kept = Event.all_objects.get(pk=event.pk)
    assert kept.deleted_at is not None and kept.deleted_by == by
    entry = history("timetable.event.removed", event.pk)
    assert entry.actor == by
    assert entry.old["title"] == event.title and entry.old["classes"] == [tt.world.school_class.pk]
    assert entry.new == {"deleted_at": kept.deleted_at.isoformat(), "deleted_by": by.pk}


def test_event_removed_on_the_page_leaves_every_reader(
    tt: Timetable, client_for: Any, on_today: Any
) -> None:
    event = add_test(tt, "Sprawdzian z ułamków")
    before = _event_readers(tt, event)
    assert all(before.values()), before
    teacher = tt.world.user(Role.TEACHER)
    response = client_for(teacher).post(reverse("timetable:event_remove", args=[event.pk]))
    assert response.status_code == 302
    _assert_event_removed(tt, event, teacher)
    after = _event_readers(tt, event)  # the home page and the feed were cached before
    assert not any(after.values()), after
    # Removing it again (a stale page) is a 404, and history is not written twice.
    again = client_for(teacher).post(reverse("timetable:event_remove", args=[event.pk]))
    assert again.status_code == 404
    assert HistoryEntry.objects.filter(code="timetable.event.removed").count() == 1


def test_event_removed_through_the_api_three_ways(
    tt: Timetable, other_world: Any, on_today: Any
) -> None:
    event = add_test(tt, "Kartkówka z potęg")
    address = f"/api/v1/calendar/events/{event.pk}"
    assert api(tt.world.user(Role.GUARDIAN), "delete", address).status_code == 404
    assert api(tt.world.user(Role.HOMEROOM_TEACHER), "delete", address).status_code == 404
    assert api(other_world.user(Role.PRINCIPAL), "delete", address).status_code == 404
    assert Event.objects.filter(pk=event.pk).exists()
    teacher = tt.world.user(Role.TEACHER)
    assert api(teacher, "delete", address).status_code == 204
    _assert_event_removed(tt, event, teacher)
    assert not any(_event_readers(tt, event).values())
    assert api(teacher, "delete", address).status_code == 404
    # A calendar manager removes another's event the same way.
    other = add_test(tt, "Sprawdzian 2")
    principal = tt.world.user(Role.PRINCIPAL)
    assert api(principal, "delete", f"/api/v1/calendar/events/{other.pk}").status_code == 204
    assert Event.all_objects.get(pk=other.pk).deleted_by == principal


def test_removed_test_no_longer_counts_toward_the_test_load(tt: Timetable, on_today: Any) -> None:
    event = add_test(tt, "Sprawdzian 1")
    w = tt.world
    services.event_remove(school=w.school, actor=w.user(Role.TEACHER), event=event)
    check = services.event_test_load_check(
        school=w.school,
        kind=Event.Kind.TEST,
        starts_on=MONDAY + D(days=2),
        today=MONDAY - D(days=30),
        classes=[w.school_class],
        group=None,
    )
    assert check.ok


# --- lesson changes ---------------------------------------------------------------------------


def _change_readers(tt: Timetable, note: str) -> dict[str, bool]:
    w = tt.world
    student = w.user(Role.STUDENT)
    page = Client()
    page.force_login(student, backend="kajet.accounts.backends.LoginBackend")
    admin = Client()
    admin.force_login(w.user(Role.SCHOOL_ADMIN), backend="kajet.accounts.backends.LoginBackend")
    week = api(student, "get", f"/api/v1/timetable/week?date={MONDAY.isoformat()}").json()
    return {
        "week": note in page.get(reverse("timetable:week") + WEEK).content.decode(),
        "home": note in page.get(HOME).content.decode(),
        "feed": note in feed(student),
        "changes list": note in admin.get(reverse("timetable:changes")).content.decode(),
        "api week": any(lesson["note"] == note for lesson in week["lessons"]),
    }


def test_lesson_change_withdrawn_on_the_page_leaves_every_reader(
    tt: Timetable, client_for: Any, on_today: Any
) -> None:
    w = tt.world
    principal = w.user(Role.PRINCIPAL)
    change = services.lesson_change_add(
        school=w.school,
        actor=principal,
        entry=tt.math_monday,
        date=MONDAY,
        kind=LessonChange.Kind.CANCELLATION,
        note="Nauczyciel chory",
    )
    assert all((before := _change_readers(tt, "Nauczyciel chory")).values()), before
    response = client_for(principal).post(reverse("timetable:change_remove", args=[change.pk]))
    assert response.status_code == 302
    assert not LessonChange.objects.filter(pk=change.pk).exists()
    kept = LessonChange.all_objects.get(pk=change.pk)
    assert kept.deleted_by == principal and kept.deleted_at is not None
    entry = history("timetable.lesson_change.removed", change.pk)
    assert entry.old["kind"] == "cancellation" and entry.old["note"] == "Nauczyciel chory"
    assert entry.new["deleted_by"] == principal.pk
    assert not any((after := _change_readers(tt, "Nauczyciel chory")).values()), after
    week = api(w.user(Role.STUDENT), "get", f"/api/v1/timetable/week?date={MONDAY}").json()
    monday = [x for x in week["lessons"] if x["date"] == MONDAY.isoformat()]
    assert [x["status"] for x in monday] == ["normal"]
    # The same lesson and date may get a new change (the unique rule counts live rows).
    again = services.lesson_change_add(
        school=w.school,
        actor=principal,
        entry=tt.math_monday,
        date=MONDAY,
        kind=LessonChange.Kind.SUBSTITUTION,
        new_room=tt.gym,
    )
    assert again.pk != change.pk
    assert LessonChange.all_objects.filter(entry=tt.math_monday, date=MONDAY).count() == 2


# --- timetable entries: a class plan save by difference ---------------------------------------


def test_class_plan_save_keeps_unchanged_removes_softly_and_adds(
    tt: Timetable, client_for: Any, on_today: Any
) -> None:
    w = tt.world
    admin = w.user(Role.SCHOOL_ADMIN)
    p = tt.periods
    change = services.lesson_change_add(
        school=w.school,
        actor=admin,
        entry=tt.group_tuesday,
        date=MONDAY + D(days=1),
        kind=LessonChange.Kind.CANCELLATION,
        note="Wycieczka grupy",
    )
    student_week = client_for(w.user(Role.STUDENT))
    assert "Język niemiecki" in student_week.get(reverse("timetable:week") + WEEK).content.decode()
    url = reverse("timetable:grid", args=[tt.plan.pk, w.school_class.pk])
    cells = {
        (0, p[0], 0): (w.course, tt.room),  # unchanged
        (2, p[1], 0): (w.course, tt.gym),  # another room
        (1, p[0], 0): (tt.other_group_course, None),  # unchanged; group_tuesday is dropped
        (4, p[2], 0): (w.course, None),  # new
    }
    response = client_for(admin).post(url, grid_post(tt, cells))
    assert response.status_code == 302

    live = TimetableEntry.objects.filter(plan=tt.plan, course__school_class=w.school_class)
    assert tt.math_monday.pk in {e.pk for e in live}  # the same row, not a copy
    assert tt.other_group_tuesday.pk in {e.pk for e in live}
    wednesday = live.get(pk=tt.math_wednesday.pk)
    assert wednesday.room == tt.gym
    changed = history("timetable.entry.changed", wednesday.pk)
    assert (changed.old["room"], changed.new["room"]) == (tt.room.pk, tt.gym.pk)

    removed = TimetableEntry.all_objects.get(pk=tt.group_tuesday.pk)
    assert removed.deleted_by == admin and removed.deleted_at is not None
    assert not live.filter(pk=removed.pk).exists()
    old = history("timetable.entry.removed", removed.pk).old
    assert old == {
        "plan": tt.plan.pk,
        "weekday": 1,
        "period": p[0].pk,
        "course": tt.group_course.pk,
        "room": tt.gym.pk,
    }
    # Its lesson change goes with it, with its own history.
    assert not LessonChange.objects.filter(pk=change.pk).exists()
    assert LessonChange.all_objects.get(pk=change.pk).deleted_by == admin
    assert history("timetable.lesson_change.removed", change.pk).new["entry_removed"] is True

    (new,) = live.filter(weekday=4)
    assert history("timetable.entry.added", new.pk).new["course"] == w.course.pk
    assert not HistoryEntry.objects.filter(
        code__startswith="timetable.entry.", object_id=tt.math_monday.pk
    ).exists()

    # Readers: the group's Tuesday lesson and its change are gone from the week and the API.
    body = client_for(w.user(Role.STUDENT)).get(reverse("timetable:week") + WEEK).content.decode()
    assert "Język niemiecki" not in body and "Wycieczka grupy" not in body
    week = api(w.user(Role.STUDENT), "get", f"/api/v1/timetable/week?date={MONDAY}").json()
    assert {x["subject"] for x in week["lessons"]} == {w.course.subject.name}
    assert "Wycieczka grupy" not in feed(w.user(Role.STUDENT))

    # The removed lesson may be planned again: a new row, the old one stays deleted.
    cells[(1, p[0], 1)] = (tt.group_course, tt.gym)
    assert client_for(admin).post(url, grid_post(tt, cells)).status_code == 302
    again = TimetableEntry.objects.get(plan=tt.plan, course=tt.group_course)
    assert again.pk != removed.pk
    assert TimetableEntry.all_objects.filter(plan=tt.plan, course=tt.group_course).count() == 2


def test_new_plan_version_copies_only_live_entries(tt: Timetable, on_today: Any) -> None:
    w = tt.world
    admin = w.user(Role.SCHOOL_ADMIN)
    services.timetable_class_save(
        school=w.school, actor=admin, plan=tt.plan, school_class=w.other_class, cells=[]
    )
    assert TimetableEntry.all_objects.get(pk=tt.other_class_monday.pk).is_deleted
    plan = services.timetable_plan_create(
        school=w.school, actor=admin, year=w.year, valid_from=TODAY + D(days=7)
    )
    copied = TimetableEntry.objects.filter(plan=plan)
    assert copied.count() == 4
    assert not copied.filter(course=tt.other_class_course).exists()


def test_deletion_keeps_the_row_at_its_time(tt: Timetable) -> None:
    w = tt.world
    at = timezone.now()
    event = add_test(tt, "Sprawdzian")
    services.event_remove(school=w.school, actor=w.user(Role.PRINCIPAL), event=event)
    kept = Event.all_objects.get(pk=event.pk)
    assert kept.deleted_at is not None and kept.deleted_at >= at
    assert kept.title == "Sprawdzian" and list(kept.classes.all()) == [w.school_class]


# --- the XML export and import keep deletions -------------------------------------------------


def _remove_one_of_each(tt: Timetable) -> dict[str, int]:
    w = tt.world
    admin, principal = w.user(Role.SCHOOL_ADMIN), w.user(Role.PRINCIPAL)
    event = add_test(tt, "Sprawdzian usunięty")
    services.event_remove(school=w.school, actor=principal, event=event)
    change = services.lesson_change_add(
        school=w.school,
        actor=principal,
        entry=tt.math_monday,
        date=MONDAY,
        kind=LessonChange.Kind.CANCELLATION,
    )
    services.lesson_change_remove(school=w.school, actor=principal, change=change)
    services.timetable_class_save(
        school=w.school, actor=admin, plan=tt.plan, school_class=w.other_class, cells=[]
    )
    return {
        "event": event.pk,
        "lessonChange": change.pk,
        "timetableEntry": tt.other_class_monday.pk,
    }


def _deleted_in(root: Any) -> dict[str, dict[int, tuple[str | None, str | None]]]:
    ns = "{https://kajet.org.pl/xml/register/1}"
    return {
        tag: {
            int(e.get("id")): (e.get("deleted_at"), e.get("deleted_by"))
            for e in root.iter(f"{ns}{tag}")
        }
        for tag in ("event", "lessonChange", "timetableEntry")
    }


@pytest.mark.django_db(transaction=True)
def test_deleted_rows_are_exported_validated_and_imported_as_deleted(
    world: Any, tmp_path: Any
) -> None:
    tt = build_timetable(world)
    removed = _remove_one_of_each(tt)
    text = "".join(register_chunks(school=world.school, year=world.year))
    root = etree.fromstring(text.encode())
    schema().assertValid(root)
    exported = _deleted_in(root)
    by = {"event": Role.PRINCIPAL, "lessonChange": Role.PRINCIPAL}
    for tag, pk in removed.items():
        deleted_at, deleted_by = exported[tag][pk]
        assert deleted_at is not None
        assert deleted_by == str(world.user(by.get(tag, Role.SCHOOL_ADMIN)).pk)
    live_entries = [pk for pk, stamp in exported["timetableEntry"].items() if stamp[0] is None]
    assert len(live_entries) == 4
    with scopes_disabled():
        kept = {
            "event": {e.pk: (e.deleted_at, e.deleted_by_id) for e in Event.all_objects.all()},
            "lessonChange": {
                c.pk: (c.deleted_at, c.deleted_by_id) for c in LessonChange.all_objects.all()
            },
            "timetableEntry": {
                e.pk: (e.deleted_at, e.deleted_by_id) for e in TimetableEntry.all_objects.all()
            },
        }
    path = tmp_path / "rejestr.xml"
    path.write_text(text, encoding="utf-8")
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_register", str(path), stdout=None)
    with scopes_disabled():
        assert {e.pk: (e.deleted_at, e.deleted_by_id) for e in Event.all_objects.all()} == kept[
            "event"
        ]
        assert {
            c.pk: (c.deleted_at, c.deleted_by_id) for c in LessonChange.all_objects.all()
        } == kept["lessonChange"]
        assert {
            e.pk: (e.deleted_at, e.deleted_by_id) for e in TimetableEntry.all_objects.all()
        } == kept["timetableEntry"]
        assert not Event.objects.filter(pk=removed["event"]).exists()
        assert not TimetableEntry.objects.filter(pk=removed["timetableEntry"]).exists()
        assert TimetableEntry.objects.count() == 4


def test_a_removed_events_page_says_so_to_those_who_saw_it(
    tt: Timetable, other_world: Any, client_for: Any, on_today: Any
) -> None:
    """A notification's link to an event removed since: 410 with what it was, not a bare 404;
    still 404 for anyone who could not see the event."""
    w = tt.world
    event = add_test(tt, "Sprawdzian odwołany")
    services.event_remove(school=w.school, actor=w.user(Role.PRINCIPAL), event=event)
    url = reverse("timetable:event", args=[event.pk])
    family = client_for(w.user(Role.GUARDIAN)).get(url)
    assert family.status_code == 410
    body = family.content.decode()
    assert "Sprawdzian odwołany" in body and "was removed from the calendar on" in body
    assert "Removed by" not in body  # who removed it: for staff only
    staff = client_for(w.user(Role.TEACHER)).get(url).content.decode()
    assert f"Removed by: {w.user(Role.PRINCIPAL).full_name}" in staff
    assert client_for(other_world.user(Role.GUARDIAN)).get(url).status_code == 404
    assert client_for(other_world.user(Role.PRINCIPAL)).get(url).status_code == 404
    # A student of another class never saw it.
    other_student = w.other_student.user
    assert client_for(other_student).get(url).status_code == 404
