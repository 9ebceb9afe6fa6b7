from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from kajet.accounts.models import User
from kajet.dashboard.selectors import home_context
from kajet.dashboard.tests.conftest import Day, fill_school
from kajet.testutils.factories import StudentFactory, guardian_for

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")
#: The dashboard's own reads (home_context): the issue's budget.
MAX_QUERIES = 12
#: The page around them: the session, the signed-in user, and the unread-messages badge the
#: shared navigation shows on every page.
FRAME_QUERIES = 3


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
def test_every_role_gets_a_dashboard_within_the_query_budget(
    world: Any, client_for: Any, role: str
) -> None:
    fill_school(world, scale=4)
    user = world.user(role)
    client = client_for(user)
    client.get(HOME)  # the first request of a session writes its bookkeeping
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    assert len(queries) <= MAX_QUERIES + FRAME_QUERIES, _sql(queries)
    # The composition alone, for a fresh user object (no cached roles).
    request = RequestFactory().get(HOME)
    request.user = User.objects.get(pk=user.pk)
    request.session = client.session
    request.session.get("-")  # loading the session is the frame's, not the dashboard's
    with scope(school=world.school.pk), CaptureQueriesContext(connection) as own:
        context = home_context(request)
    assert context["board"] is not None
    assert len(own) <= MAX_QUERIES, _sql(own)


def _sql(queries: CaptureQueriesContext) -> str:
    return "\n".join(q["sql"][:150] for q in queries.captured_queries)


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


def test_guardian_switches_child(world: Any, client_for: Any, day: Day) -> None:
    second = StudentFactory(school_class=world.other_class, class_number=7)
    guardian = world.user("guardian")
    from kajet.school.models import Guardianship

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
