"""One-time keys on the pages' create forms (issue 14.10): a double click or a retried POST
whose save had committed creates one object; a form shown again with errors keeps its key."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import IdempotentWrite
from kajet.grades.models import GradeCategory, GradeColumn
from kajet.homework.models import Homework
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]
KEY = re.compile(r'name="form_key" value="([0-9a-f-]{36})"')


def create_pages(world: SchoolWorld) -> list[tuple[str, str]]:
    return [
        ("teacher", reverse("grades:column_new", args=[world.course.pk, world.term.pk])),
        ("teacher", reverse("homework:create")),
        ("teacher", reverse("timetable:event_add")),
        ("principal", reverse("noticeboard:create")),
        ("school_admin", reverse("grades:category_new")),
        ("secretariat", reverse("school:student_add")),
        ("secretariat", reverse("school:staff_add")),
        ("secretariat", reverse("school:student_import")),
        ("secretariat", reverse("school:staff_import")),
    ]


def test_every_create_form_carries_a_new_key(world: SchoolWorld, client_for: ClientFor) -> None:
    missing = []
    for role, url in create_pages(world):
        client = client_for(world.user(role))
        first, second = (KEY.findall(client.get(url).content.decode()) for _ in range(2))
        if not first or first == second:
            missing.append(url)
    assert not missing, missing


def column_post(world: SchoolWorld, key: str, mark: str = "5") -> dict[str, Any]:
    cat = GradeCategory.objects.get_or_create(school=world.school, name="Test", weight="3")[0]
    return {
        "form_key": key,
        "category": cat.pk,
        "description": "Ułamki",
        "date": "2026-10-05",
        f"mark-{world.student.pk}": mark,
    }


def test_a_double_click_saves_one_column(world: SchoolWorld, client_for: ClientFor) -> None:
    client = client_for(world.user("teacher"))
    url = reverse("grades:column_new", args=[world.course.pk, world.term.pk])
    data = column_post(world, str(uuid.uuid4()))
    first = client.post(url, data)
    again = client.post(url, data)  # the second click, or the browser's retry
    assert first.status_code == again.status_code == 302
    assert again.url == first.url
    assert GradeColumn.objects.count() == 1
    # a new form (a new key) is a new column
    assert client.post(url, column_post(world, str(uuid.uuid4()))).status_code == 302
    assert GradeColumn.objects.count() == 2


def test_a_form_with_errors_keeps_its_key_and_saves_once(
    world: SchoolWorld, client_for: ClientFor
) -> None:
    client = client_for(world.user("teacher"))
    url = reverse("grades:column_new", args=[world.course.pk, world.term.pk])
    key = str(uuid.uuid4())
    refused = client.post(url, column_post(world, key, mark="9"))
    assert refused.status_code == 400
    assert KEY.findall(refused.content.decode()) == [key]  # shown again with the same key
    assert not IdempotentWrite.objects.exists()
    assert client.post(url, column_post(world, key)).status_code == 302
    assert client.post(url, column_post(world, key)).status_code == 302
    assert GradeColumn.objects.count() == 1


def test_keys_are_per_user(world: SchoolWorld, client_for: ClientFor) -> None:
    key = str(uuid.uuid4())
    data = {
        "form_key": key,
        "course": world.course.pk,
        "title": "Zadanie 1",
        "set_on": "2026-10-05",
        "due_on": "2026-10-07",
    }
    client = client_for(world.user("teacher"))
    assert client.post(reverse("homework:create"), data).status_code == 302
    assert Homework.objects.count() == 1
    # the same key from another person is their own write (here refused: not their course)
    client_for(world.user("homeroom_teacher")).post(reverse("homework:create"), data)
    assert IdempotentWrite.objects.filter(key=key).count() == 1
