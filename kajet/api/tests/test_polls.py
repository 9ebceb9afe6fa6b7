"""Polls over the API: the same rules as the pages, three ways, constant queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from kajet.accounts.models import IdempotentWrite
from kajet.api.tests.helpers import bearer, token_for
from kajet.polls.models import Poll, PollResponse
from kajet.polls.tests.conftest import make_poll
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

LIST = reverse("api:polls")


def _get(user: Any, url: str) -> Any:
    return Client().get(url, **bearer(token_for(user)))


def _post(user: Any, url: str, data: Any) -> Any:
    return Client().post(url, data, content_type="application/json", **bearer(token_for(user)))


def _answers(poll: Poll, first: int = 0) -> dict[str, Any]:
    q1, q2, q3 = poll.questions.all()
    return {
        "answers": [
            {"question_id": q1.pk, "option_ids": [q1.options.all()[first].pk]},
            {"question_id": q2.pk, "option_ids": [o.pk for o in q2.options.all()]},
            {"question_id": q3.pk, "text": "Dziękuję"},
        ]
    }


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_recipient_lists_and_answers(world: SchoolWorld, role: str) -> None:
    poll = make_poll(world)
    body = _get(world.user(role), LIST).json()
    [row] = body["asked"]
    assert (row["id"], row["answered"], row["anonymous"], row["is_open"]) == (
        poll.pk,
        False,
        False,
        True,
    )
    assert [q["kind"] for q in row["questions"]] == ["single", "multiple", "text"]
    assert len(row["questions"][0]["options"]) == 2
    assert body["authored"] == []
    url = reverse("api:poll-answer", args=[poll.pk])
    response = _post(world.user(role), url, _answers(poll))
    assert response.status_code == 200, response.content
    assert response.json() == {"poll_id": poll.pk, "answered": True}
    assert _get(world.user(role), LIST).json()["asked"][0]["answered"] is True
    assert _post(world.user(role), url, _answers(poll, first=1)).status_code == 200
    assert PollResponse.objects.count() == 1


def test_anonymous_answer_is_final_over_the_api(world: SchoolWorld) -> None:
    poll = make_poll(world, anonymous=True)
    url = reverse("api:poll-answer", args=[poll.pk])
    assert _post(world.user("guardian"), url, _answers(poll)).status_code == 200
    again = _post(world.user("guardian"), url, _answers(poll, first=1))
    assert again.status_code == 400
    assert "already answered" in again.json()["detail"]
    assert PollResponse.objects.get().user_id is None


def test_answering_keeps_no_idempotency_record(world: SchoolWorld) -> None:
    poll = make_poll(world, anonymous=True)
    response = Client().post(
        reverse("api:poll-answer", args=[poll.pk]),
        _answers(poll),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="b5d7a0d2-9d1e-4f55-9d69-3f3b1d1f0c11",
        **bearer(token_for(world.user("guardian"))),
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not IdempotentWrite.objects.filter(user=world.user("guardian")).exists()


def test_an_incomplete_answer_is_refused(world: SchoolWorld) -> None:
    poll = make_poll(world)
    q1 = poll.questions.first()
    response = _post(
        world.user("guardian"),
        reverse("api:poll-answer", args=[poll.pk]),
        {"answers": [{"question_id": q1.pk, "option_ids": [o.pk for o in q1.options.all()]}]},
    )
    assert response.status_code == 400
    assert "Choose one option." in response.json()["detail"]
    assert not PollResponse.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "homeroom_teacher", "principal", "secretariat"])
def test_someone_not_asked_cannot_answer(world: SchoolWorld, role: str) -> None:
    poll = make_poll(world)
    url = reverse("api:poll-answer", args=[poll.pk])
    assert _post(world.user(role), url, _answers(poll)).status_code == 404


def test_author_gets_results(world: SchoolWorld) -> None:
    poll = make_poll(world)
    _post(world.user("guardian"), reverse("api:poll-answer", args=[poll.pk]), _answers(poll))
    author = world.user("homeroom_teacher")
    authored = _get(author, LIST).json()["authored"]
    assert [(p["id"], p["recipients"], p["answered"]) for p in authored] == [(poll.pk, 2, 1)]
    body = _get(author, reverse("api:poll-results", args=[poll.pk])).json()
    assert (body["recipients"], body["answered"]) == (2, 1)
    first = body["questions"][0]
    assert [(o["text"], o["count"], o["percent"]) for o in first["options"]] == [
        ("On paper", 1, 100),
        ("By e-mail", 0, 0),
    ]
    assert body["questions"][2]["texts"] == ["Dziękuję"]
    assert [p["name"] for p in body["not_answered"]] == [world.user("student").full_name]


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "principal"])
def test_results_refused_to_others(world: SchoolWorld, role: str) -> None:
    poll = make_poll(world)
    assert _get(world.user(role), reverse("api:poll-results", args=[poll.pk])).status_code == 404


def test_other_school_gets_404(world: SchoolWorld, other_world: SchoolWorld) -> None:
    poll = make_poll(world)
    with scopes_disabled():
        for role in ("guardian", "student", "homeroom_teacher", "principal"):
            user = other_world.user(role)
            assert _get(user, LIST).json()["asked"] == []
            answer = reverse("api:poll-answer", args=[poll.pk])
            assert _post(user, answer, _answers(poll)).status_code == 404
            results = reverse("api:poll-results", args=[poll.pk])
            assert _get(user, results).status_code == 404
        assert not PollResponse.objects.exists()


def test_list_query_count_is_constant(world: SchoolWorld) -> None:
    client = Client()
    headers = bearer(token_for(world.user("guardian")))
    make_poll(world)
    client.get(LIST, **headers)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST, **headers)
    for i in range(10):
        make_poll(world, title=f"Poll {i}")
    with CaptureQueriesContext(connection) as many:
        body = client.get(LIST, **headers).json()
    assert len(body["asked"]) == 11
    assert len(many.captured_queries) == len(one.captured_queries)
