"""The school office's sign-in locks page and its unlock button."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.accounts.models import SignInAttempt
from kajet.core.models import HistoryEntry
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("school:signin_locks")
STAFF = reverse("accounts:login") + "?jako=pracownik"


def lock(login: str, ip: str = "10.0.0.5", times: int = 6) -> None:
    for _ in range(times):
        Client().post(STAFF, {"login": login, "password": "wrong"}, REMOTE_ADDR=ip)


def test_office_sees_a_lock_and_unlocks_it(client_for: Any, world: Any) -> None:
    teacher = world.user("teacher")
    lock(teacher.login)
    office = client_for(world.user("secretariat"))
    page = office.get(URL)
    assert page.status_code == 200
    assert [(row.user, row.ip, row.failures) for row in page.context["locks"]] == [
        (teacher, "10.0.0.5", 5)  # the sixth try was refused unchecked
    ]
    assert f"Unlock {teacher.login}" in page.content.decode()
    response = office.post(reverse("school:signin_unlock", args=[teacher.pk]))
    assert response.status_code == 302
    assert office.get(URL).context["locks"] == []
    assert SignInAttempt.objects.filter(login=teacher.login, result="unlocked").count() == 1
    assert HistoryEntry.objects.filter(code="accounts.signin.unlocked", object_id=teacher.pk)
    signed_in = Client().post(
        STAFF, {"login": teacher.login, "password": PASSWORD}, REMOTE_ADDR="10.0.0.5"
    )
    assert signed_in.status_code == 302


def test_account_ceiling_shows_as_new_addresses(client_for: Any, world: Any, settings: Any) -> None:
    settings.KAJET_SIGNIN_ACCOUNT_CEILING = 8
    teacher = world.user("teacher")
    for i in range(8):
        lock(teacher.login, ip=f"10.1.0.{i}", times=1)
    rows = client_for(world.user("school_admin")).get(URL).context["locks"]
    assert [(row.ip, row.failures) for row in rows] == [(None, 8)]


@pytest.mark.parametrize("role", ["teacher", "principal", "guardian", "student"])
def test_other_roles_get_404(client_for: Any, world: Any, role: str) -> None:
    client = client_for(world.user(role))
    assert client.get(URL).status_code == 404
    target = world.user("teacher")
    assert client.post(reverse("school:signin_unlock", args=[target.pk])).status_code == 404


def test_another_school_sees_nothing_and_cannot_unlock(
    client_for: Any, world: Any, other_world: Any
) -> None:
    teacher = world.user("teacher")
    lock(teacher.login)
    intruder = client_for(other_world.user("secretariat"))
    assert intruder.get(URL).context["locks"] == []
    assert intruder.post(reverse("school:signin_unlock", args=[teacher.pk])).status_code == 404
    assert not SignInAttempt.objects.filter(result="unlocked").exists()


def test_page_costs_the_same_with_many_locks(client_for: Any, world: Any) -> None:
    office = client_for(world.user("secretariat"))
    lock(world.user("teacher").login)
    with CaptureQueriesContext(connection) as small:
        office.get(URL)
    for role in ("guardian", "student", "principal", "pedagogue"):
        lock(world.user(role).login, ip="10.0.0.9")
    with CaptureQueriesContext(connection) as large:
        page = office.get(URL)
    assert len(page.context["locks"]) == 5
    assert len(large.captured_queries) == len(small.captured_queries) <= 12
