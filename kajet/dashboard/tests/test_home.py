from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from kajet.accounts.models import User
from kajet.core.versions import home_changed
from kajet.dashboard.selectors import home_context
from kajet.dashboard.tests.conftest import MONDAY, Day, fill_school
from kajet.messaging.models import Delivery
from kajet.school.models import Guardianship, Student
from kajet.testutils.factories import StudentFactory, guardian_for
from kajet.timetable.models import Event
from kajet.timetable.services import calendar_policy_update, event_add, event_remove

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")
#: The issue's budget for the WHOLE request: the session, the signed-in user, the roles, the
#: dashboard's own reads and the navigation (whose unread badge reuses the dashboard's count).
MAX_QUERIES = 12

BUDGET_ROLES = ["guardian", "student", "teacher", "homeroom_teacher", "principal"]
#: A cold cache costs a homeroom teacher one query more: the excuses waiting for their
#: decision are counted on every visit (they change with every excuse sent or decided), on
#: top of a teacher's lessons, events and homework read afresh (docs/adr/0010). The viewer's
#: own calendar items (kajet.timetable.calendar_items) are read afresh then too, one query per
#: provider that has something for the role: class meetings (guardian, homeroom teacher,
#: principal) and booked consultations (guardian, every teacher, principal) — addendum of
#: issue 13 in docs/adr/0010. A warm visit reads them from the cache (no query). And the
#: viewer's stamp (kajet/dashboard/stamps.py), the key of the whole rendered board, is read
#: on every visit: a warm page reads it instead of the lists, a cold one before them (+1).
COLD_EXTRA = {
    "guardian": 2 + 1,
    "student": 1,
    "teacher": 1 + 1,
    "homeroom_teacher": 1 + 2 + 1,
    "principal": 2 + 1,
}


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_family_dashboard_shows_the_day(world: Any, client_for: Any, day: Day, role: str) -> None:
    response = client_for(world.user(role)).get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Today" in page and "Tomorrow" in page
    assert "substitution" in page and day.substitute.full_name in page
    assert "lesson-cancelled" in page
    assert "Sprawdzian 0" in page
    assert "Zadanie 0" in page and "badge-ok" in page
    assert "Dzień wolny" not in page  # beyond 7 days
    assert "Ogłoszenie 0" in page
    assert 'class="lucky"' in page
    assert "Grades of the last 7 days" in page
    if role == "guardian":
        assert "3 unread messages" in page
        assert "Wiadomość 0" in page
        assert day.entries[0].course.teacher.full_name in page  # the sender
        assert '<span class="badge">3</span>' in page  # the navigation's badge, same count
    else:
        assert "No unread messages" in page


def test_teacher_dashboard(world: Any, client_for: Any, day: Day) -> None:
    page = client_for(world.user("teacher")).get(HOME).content.decode()
    assert "6b" in page
    assert "Sprawdzian 0" in page
    assert "Zadanie 0" in page
    assert "badge-ok" not in page  # a student's tick is not the teacher's business
    assert "New grades" not in page
    substitute_page = client_for(day.substitute).get(HOME).content.decode()
    assert "substitution" in substitute_page


@pytest.mark.parametrize(
    "role",
    [
        "guardian",
        "student",
        "teacher",
        "homeroom_teacher",
        "principal",
        "secretariat",
        "school_admin",
        "pedagogue",
        "psychologist",
    ],
)
def test_every_role_gets_a_dashboard(world: Any, client_for: Any, role: str) -> None:
    fill_school(world, scale=4)
    user = world.user(role)
    response = client_for(user).get(HOME)
    assert response.status_code == 200
    # The composition alone, for a fresh user object (no cached roles).
    request = RequestFactory().get(HOME)
    request.user = User.objects.get(pk=user.pk)
    request.session = client_for(user).session
    with scope(school=world.school.pk):
        context = home_context(request)
    assert context["board"] is not None


@pytest.mark.parametrize(
    ("role", "shown"),
    [("school_admin", False), ("secretariat", False), ("teacher", True), ("guardian", True)],
)
def test_homework_card_only_for_who_may_open_the_homework_list(
    world: Any, client_for: Any, role: str, shown: bool
) -> None:
    client = client_for(world.user(role))
    page = client.get(HOME).content.decode()
    homework_list = reverse("homework:list")
    assert (f'href="{homework_list}"' in page) is shown
    assert client.get(homework_list).status_code == (200 if shown else 404)


def _two_children(world: Any) -> None:
    second = StudentFactory(school_class=world.other_class, class_number=7)
    Guardianship.objects.create(
        school=world.school, guardian=world.user("guardian"), student=second
    )


@pytest.mark.parametrize("role", BUDGET_ROLES)
@pytest.mark.parametrize("scale", [1, 6])
def test_the_whole_request_stays_within_twelve_queries(
    world: Any, client_for: Any, django_assert_max_num_queries: Any, role: str, scale: int
) -> None:
    fill_school(world, scale=scale)
    _two_children(world)
    client = client_for(world.user(role))
    # The first request of a session writes its bookkeeping; it also picks the child whose
    # class has the tests (the children's order depends on their random names).
    client.get(HOME, {"uczen": world.student.pk})
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(HOME)
    assert response.status_code == 200
    assert "Sprawdzian 0" in response.content.decode() or role == "principal"


@pytest.mark.parametrize("role", BUDGET_ROLES)
def test_request_within_twelve_even_with_a_cold_cache(
    world: Any, client_for: Any, django_assert_max_num_queries: Any, role: str
) -> None:
    """The lucky number is cached per school and day; even the first read of the day keeps
    the page within the budget."""
    fill_school(world, scale=6)
    _two_children(world)
    client = client_for(world.user(role))
    client.get(HOME, {"uczen": world.student.pk})
    cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES + COLD_EXTRA.get(role, 0)):
        response = client.get(HOME)
    assert 'class="lucky"' in response.content.decode()


def test_query_count_does_not_grow_with_data(world: Any, client_for: Any) -> None:
    counts = {}
    for scale, tag in ((1, ""), (5, "x")):
        fill_school(world, scale=scale, tag=tag)
        for role in ("guardian", "teacher"):
            client = client_for(world.user(role))
            client.get(HOME)
            with CaptureQueriesContext(connection) as queries:
                client.get(HOME)
            counts[(role, scale)] = len(queries)
    assert counts[("guardian", 1)] == counts[("guardian", 5)]
    assert counts[("teacher", 1)] == counts[("teacher", 5)]


def test_unread_badge_is_counted_afresh_on_other_pages(
    world: Any, client_for: Any, day: Day
) -> None:
    """The count the dashboard hands to the navigation (request.nav_badges) lives on that
    request only."""
    client = client_for(world.user("guardian"))
    assert '<span class="badge">3</span>' in client.get(HOME).content.decode()
    Delivery.objects.filter(owner=world.user("guardian")).update(is_unread=False)
    page = client.get(reverse("homework:list")).content.decode()
    assert '<span class="badge">3</span>' not in page
    assert "No unread messages" in client.get(HOME).content.decode()


def test_days_off_hide_the_lessons(world: Any, client_for: Any, day: Day) -> None:
    """Today off for the class, tomorrow off for the whole school: no lessons either day
    (the days off come from the week's events the page reads anyway)."""
    class_day_off = Event.objects.create(
        school=world.school,
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.CLASSES,
        title="Wycieczka klasowa",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    class_day_off.classes.set([world.school_class])
    page = client_for(world.user("student")).get(HOME).content.decode()
    assert page.count("No lessons.") == 1
    Event.objects.create(
        school=world.school,
        kind=Event.Kind.DAY_OFF,
        scope=Event.Scope.SCHOOL,
        title="Dyrektorski",
        starts_on=MONDAY + datetime.timedelta(days=1),
        ends_on=MONDAY + datetime.timedelta(days=1),
    )
    home_changed(world.school.pk)  # as the calendar services do (rows written directly here)
    page = client_for(world.user("guardian")).get(HOME).content.decode()
    assert page.count("No lessons.") == 2
    # Another class's day off changes nothing for this one.
    class_day_off.classes.set([world.other_class])
    home_changed(world.school.pk)
    page = client_for(world.user("student")).get(HOME).content.decode()
    assert page.count("No lessons.") == 1


def test_lucky_number_follows_the_switch_at_once(
    world: Any, client_for: Any, day: Day, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.user("guardian"))
    assert 'class="lucky"' in client.get(HOME).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        calendar_policy_update(school=world.school, actor=None, lucky_number_enabled=False)
    assert 'class="lucky"' not in client.get(HOME).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        calendar_policy_update(school=world.school, actor=None, lucky_number_enabled=True)
    assert 'class="lucky"' in client.get(HOME).content.decode()


def test_guardian_switches_child(world: Any, client_for: Any, day: Day) -> None:
    second = StudentFactory(school_class=world.other_class, class_number=7)
    guardian = world.user("guardian")
    Guardianship.objects.create(school=world.school, guardian=guardian, student=second)
    client = client_for(guardian)
    # Which child comes first depends on names and collation: choose explicitly.
    client.post(reverse("dashboard:switch_child", args=[world.student.pk]))
    assert "Sprawdzian 0" in client.get(HOME).content.decode()
    response = client.post(reverse("dashboard:switch_child", args=[second.pk]))
    assert response.status_code == 302
    page = client.get(HOME).content.decode()
    assert second.user.first_name in page
    assert "Sprawdzian 0" not in page  # 2a has no test


def test_switch_child_refuses_someone_elses_child(
    world: Any, other_world: Any, client_for: Any
) -> None:
    url = reverse("dashboard:switch_child", args=[world.other_student.pk])
    assert client_for(world.user("guardian")).post(url).status_code == 404
    url = reverse("dashboard:switch_child", args=[world.student.pk])
    assert client_for(other_world.user("guardian")).post(url).status_code == 404
    assert client_for(world.user("teacher")).post(url).status_code == 404


def test_other_school_sees_none_of_it(
    world: Any, other_world: Any, client_for: Any, day: Day
) -> None:
    other = StudentFactory(school_class=other_world.school_class)
    guardian_for(other, login="7299999")
    for role in ("guardian", "student", "teacher", "principal"):
        page = client_for(other_world.user(role)).get(HOME).content.decode()
        assert "Sprawdzian 0" not in page
        assert "Zadanie 0" not in page
        assert "Ogłoszenie 0" not in page
        assert "Wiadomość 0" not in page


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_lucky_number_cache_forgets_a_removed_day_off(
    world: Any, client_for: Any, day: Day, django_capture_on_commit_callbacks: Any
) -> None:
    """Today off: no number (and that answer is cached); the day off removed, the number
    is drawn at the next visit."""
    with django_capture_on_commit_callbacks(execute=True):
        day_off = event_add(
            school=world.school,
            actor=world.user("principal"),
            kind="day_off",
            scope="school",
            title="Dzień dyrektorski",
            starts_on=MONDAY,
            today=MONDAY,
        )
    client = client_for(world.user("guardian"))
    page = client.get(HOME).content.decode()
    assert 'class="lucky"' not in page and page.count("No lessons.") == 1
    assert 'class="lucky"' not in client.get(HOME).content.decode()  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        event_remove(school=world.school, actor=world.user("principal"), event=day_off)
    assert 'class="lucky"' in client.get(HOME).content.decode()


def test_lucky_number_waits_for_students(world: Any, client_for: Any, day: Day) -> None:
    """A school day without enrolled students yet is not cached as "no number"."""
    Student.objects.update(left_on=MONDAY - datetime.timedelta(days=1))
    client = client_for(world.user("teacher"))
    assert 'class="lucky"' not in client.get(HOME).content.decode()
    Student.objects.filter(pk=world.student.pk).update(left_on=None)
    assert 'class="lucky"' in client.get(HOME).content.decode()
