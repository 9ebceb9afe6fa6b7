"""Idempotency-Key on API writes (issue 14.10): a retry after a lost answer creates nothing new
and gets the first answer; the same key with a different request is 422; a refused write keeps
no key; the message body's own key refuses a different message with 422."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import IdempotentWrite
from kajet.grades.models import GradeCategory, GradeColumn
from kajet.messaging.models import Message
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]


def column_write(world: SchoolWorld) -> tuple[str, str, dict[str, Any], type[Model]]:
    cat = GradeCategory.objects.create(school=world.school, name="Sprawdzian", weight="3")
    url = reverse("api:grades-columns", args=[world.course.pk, world.term.pk])
    body = {
        "category_id": cat.pk,
        "date": "2026-10-05",
        "description": "Ułamki",
        "marks": [{"student_id": world.student.pk, "text": "5"}],
    }
    return "teacher", url, body, GradeColumn


def message_write(world: SchoolWorld) -> tuple[str, str, dict[str, Any], type[Model]]:
    body = {
        "recipients": [f"person:{world.user('homeroom_teacher').pk}"],
        "subject": "Zebranie",
        "body": "Kiedy?",
    }
    return "guardian", reverse("api:message-send"), body, Message


WRITES = [column_write, message_write]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__)
def test_a_retry_after_a_lost_answer_creates_one_object(
    world: SchoolWorld, client_for: ClientFor, write: Any
) -> None:
    role, url, body, model = write(world)
    client = client_for(world.user(role))
    key = str(uuid.uuid4())
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.content
    # the connection dropped after the commit: the client never saw `first`, and retries
    retry = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert model._default_manager.count() == 1
    # a new key is a new write
    again = client.post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert again.status_code == 201 and model._default_manager.count() == 2


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__)
def test_the_same_key_with_another_body_is_422(
    world: SchoolWorld, client_for: ClientFor, write: Any
) -> None:
    role, url, body, model = write(world)
    client = client_for(world.user(role))
    key = str(uuid.uuid4())
    assert client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    changed = body | {"description": "Inne", "subject": "Inny temat"}
    refused = client.post(url, changed, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert refused.status_code == 422
    assert "different" in refused.json()["detail"]
    assert model._default_manager.count() == 1


def test_a_refused_write_keeps_no_key(world: SchoolWorld, client_for: ClientFor) -> None:
    _role, url, body, _model = column_write(world)
    client = client_for(world.user("teacher"))
    key = str(uuid.uuid4())
    bad = body | {"marks": [{"student_id": world.student.pk, "text": "9"}]}
    assert (
        client.post(url, bad, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    ).status_code == 400
    assert not IdempotentWrite.objects.exists()
    fixed = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert fixed.status_code == 201 and GradeColumn.objects.count() == 1


def test_keys_are_per_user(world: SchoolWorld, client_for: ClientFor) -> None:
    _role, url, body, _model = message_write(world)
    key = str(uuid.uuid4())
    for role in ("guardian", "student"):
        response = client_for(world.user(role)).post(
            url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Message.objects.count() == 2


def test_the_body_key_of_a_message_refuses_another_message(
    world: SchoolWorld, client_for: ClientFor
) -> None:
    _role, url, body, _model = message_write(world)
    client = client_for(world.user("guardian"))
    body["idempotency_key"] = str(uuid.uuid4())
    assert client.post(url, body, content_type="application/json").status_code == 201
    assert client.post(url, body, content_type="application/json").status_code == 201
    other = client.post(url, body | {"body": "Inna treść"}, content_type="application/json")
    assert other.status_code == 422
    assert Message.objects.count() == 1


def test_every_api_write_honours_the_key() -> None:
    """The key is handled by ScopedAPIView for every write; every API view that writes
    derives from it (the sign-in token view is a sign-in, throttled on its own)."""
    from django.urls import URLResolver, get_resolver
    from rest_framework.views import APIView

    from kajet.api.base import ScopedAPIView
    from kajet.api.views import TokenView

    def callbacks(patterns: list[Any]) -> list[Any]:
        found = []
        for entry in patterns:
            if isinstance(entry, URLResolver):
                found += callbacks(entry.url_patterns)
            else:
                found.append(entry.callback)
        return found

    writers = set()
    for callback in callbacks(get_resolver().url_patterns):
        view = getattr(callback, "cls", None)
        is_api = isinstance(view, type) and issubclass(view, APIView) and view is not TokenView
        if is_api and any(hasattr(view, m) for m in ("post", "put", "patch", "delete")):
            writers.add(view)
            assert issubclass(view, ScopedAPIView), view
    assert len(writers) >= 10
