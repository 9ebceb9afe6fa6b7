"""Every path that ends a user's access ends their API tokens too (issue 14.2).

A password change (all but the browser that made it), a reset by the school office or a
guardian (also a whole class in September), a staff login turned off, an enrolment ended
(the student's and the guardians' logins), and "end all other sessions". Each path is a row;
after it, the user's app token answers 401 and no session or token of theirs is listed live.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import User, UserSession
from kajet.accounts.tests.helpers import signed_in_client
from kajet.api.tests.helpers import bearer, token_for
from kajet.school import services as school_services
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Zupełnie-nowe-42"


def change_own_password(world: Any, user: User, client: Client) -> None:
    response = client.post(
        reverse("accounts:password_change"),
        {"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW},
    )
    assert response.status_code == 302


def end_other_sessions(world: Any, user: User, client: Client) -> None:
    assert client.post(reverse("accounts:sessions_end_others")).status_code == 302


def office_reset(world: Any, user: User, client: Client) -> None:
    school_services.login_password_reset(actor=world.user("secretariat"), user=user)


def class_reset(world: Any, user: User, client: Client) -> None:
    school_services.class_logins_reset(
        actor=world.user("secretariat"),
        school_class=world.student.school_class,
        include_guardians=True,
    )


def staff_turned_off(world: Any, user: User, client: Client) -> None:
    school_services.staff_set_active(actor=world.user("secretariat"), user=user, active=False)


def enrolment_ended(world: Any, user: User, client: Client) -> None:
    school_services.student_end_enrolment(
        actor=world.user("secretariat"), student=world.student, left_on=datetime.date.today()
    )


#: (path, whose access, whether the browser that acted keeps its session)
PATHS: list[tuple[Callable[[Any, User, Client], None], str, bool]] = [
    (change_own_password, "guardian", True),
    (end_other_sessions, "guardian", True),
    (office_reset, "guardian", False),
    (class_reset, "student", False),
    (staff_turned_off, "teacher", False),
    (enrolment_ended, "student", False),
    (enrolment_ended, "guardian", False),
]


@pytest.mark.parametrize(
    ("path", "role", "keeps_browser"), PATHS, ids=lambda v: getattr(v, "__name__", str(v))
)
def test_tokens_end_with_the_path(
    world: Any, path: Callable[[Any, User, Client], None], role: str, keeps_browser: bool
) -> None:
    user = world.user(role)
    browser = signed_in_client(user, PASSWORD)
    token = token_for(user)
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 200
    path(world, user, browser)
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 401
    live = UserSession.objects.filter(user=user, ended_at__isnull=True)
    assert [d.kind for d in live] == (["web"] if keeps_browser else [])
    if keeps_browser:
        assert browser.get(reverse("accounts:sessions")).status_code == 200
