"""Poll pages cost the same number of queries with 10 or 1,000 answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.accounts.models import User
from kajet.polls import selectors
from kajet.polls.models import Poll, PollAnswer, PollRecipient, PollResponse
from kajet.polls.tests.conftest import make_poll

pytestmark = pytest.mark.django_db


def _fill(world: Any, poll: Poll, n: int, tag: str) -> None:
    """``n`` more people asked (half of them answered: options and a text)."""
    users = User.objects.bulk_create(
        User(
            school=world.school,
            login=f"poll-{tag}-{i}",
            kind=User.Kind.GUARDIAN,
            first_name="Anna",
            last_name=f"Nowak{i:04d}",
            password="!",
        )
        for i in range(n)
    )
    PollRecipient.objects.bulk_create(
        PollRecipient(school=world.school, poll=poll, user=u, answered=i % 2 == 0)
        for i, u in enumerate(users)
    )
    q1, q2, q3 = poll.questions.all()
    o1, o2 = list(q1.options.all())
    responses = PollResponse.objects.bulk_create(
        PollResponse(school=world.school, poll=poll) for _ in range(n // 2)
    )
    answers = []
    for i, r in enumerate(responses):
        answers.append(
            PollAnswer(school=world.school, response=r, question=q1, option=o1 if i % 3 else o2)
        )
        answers += [
            PollAnswer(school=world.school, response=r, question=q2, option=o)
            for o in q2.options.all()
        ]
        answers.append(PollAnswer(school=world.school, response=r, question=q3, text=f"Text {i}"))
    PollAnswer.objects.bulk_create(answers)


def _count(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("anonymous", [False, True])
def test_results_query_count_is_constant(world: Any, anonymous: bool) -> None:
    small = make_poll(world, anonymous=anonymous, title="Small")
    big = make_poll(world, anonymous=anonymous, title="Big")
    _fill(world, small, 20, "s")
    _fill(world, big, 2000, "b")
    results = selectors.poll_results(poll=big)
    assert results.n_answered == 1000
    assert results.questions[0].options[0].count + results.questions[0].options[1].count == 1000
    assert results.questions[2].text_count == 1000
    assert len(results.questions[2].texts) == selectors.TEXT_ANSWERS_SHOWN
    assert len(results.not_answered) == (0 if anonymous else 1002)
    n_small = _count(lambda: selectors.poll_results(poll=small))
    n_big = _count(lambda: selectors.poll_results(poll=big))
    assert n_small == n_big <= 6


def test_results_page_query_count_is_constant(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    small = make_poll(world, title="Small")
    big = make_poll(world, title="Big")
    _fill(world, small, 20, "s")
    _fill(world, big, 2000, "b")
    client = client_for(world.user("homeroom_teacher"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("polls:results", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        page = client.get(reverse("polls:results", args=[big.pk]))
    assert "1000 of 2002" in page.content.decode()


def test_list_query_count_is_constant(world: Any, client_for: Any) -> None:
    client = client_for(world.user("guardian"))
    make_poll(world)
    client.get(reverse("polls:list"))  # the session's first request writes more
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("polls:list"))
    for i in range(10):
        make_poll(world, title=f"Poll {i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("polls:list"))
    assert page.content.decode().count("waiting for your answer") == 11
    assert len(many.captured_queries) == len(one.captured_queries)
