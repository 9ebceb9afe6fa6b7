"""Publishing, answering and reminding; above all that an anonymous answer is stored with
nothing that links it to its author."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from kajet.core.models import HistoryEntry
from kajet.notifications.models import Notification
from kajet.polls import services
from kajet.polls.models import Poll, PollAnswer, PollOption, PollRecipient, PollResponse
from kajet.polls.rules import QuestionDraft
from kajet.polls.tests.conftest import make_poll
from kajet.testutils.factories import StudentFactory, guardian_for

pytestmark = pytest.mark.django_db


def _answer(poll: Poll, user: Any, first: int = 0, text: str = "") -> None:
    q1, q2, q3 = poll.questions.all()
    services.poll_answer(
        actor=user,
        poll=poll,
        chosen={q1.pk: [q1.options.all()[first].pk], q2.pk: [o.pk for o in q2.options.all()]},
        texts={q3.pk: text},
    )


def test_publishing_asks_the_class_families_and_notifies_them(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        poll = make_poll(world)
    asked = set(PollRecipient.objects.filter(poll=poll).values_list("user_id", flat=True))
    assert asked == {world.user("guardian").pk, world.user("student").pk}
    assert poll.questions.count() == 3
    assert PollOption.objects.filter(question__poll=poll).count() == 5
    notified = set(
        Notification.objects.filter(url__endswith=f"/{poll.pk}/").values_list("user_id", flat=True)
    )
    assert notified == asked
    assert HistoryEntry.objects.filter(code="polls.poll.created", object_id=poll.pk).exists()


@pytest.mark.parametrize(
    ("audience", "families", "expected"),
    [
        ("class", "guardians", {"guardian"}),
        ("class", "students", {"student"}),
        ("group", "both", {"guardian", "student"}),
        ("guardians", "", {"guardian"}),
    ],
)
def test_audiences(world: Any, audience: str, families: str, expected: set[str]) -> None:
    other_guardian = guardian_for(world.other_student)
    poll = make_poll(
        world,
        actor=world.user("principal"),
        audience=audience,
        families=families,
        group=world.group if audience == "group" else None,
    )
    asked = set(PollRecipient.objects.filter(poll=poll).values_list("user_id", flat=True))
    wanted = {world.user(r).pk for r in expected}
    if audience == "guardians":
        wanted.add(other_guardian.pk)
    assert asked == wanted


def test_staff_poll_asks_every_active_staff_member_but_the_author(world: Any) -> None:
    poll = make_poll(world, actor=world.user("principal"), audience="staff", families="")
    asked = set(PollRecipient.objects.filter(poll=poll).values_list("user_id", flat=True))
    staff = {
        "teacher",
        "homeroom_teacher",
        "pedagogue",
        "psychologist",
        "secretariat",
        "school_admin",
    }
    assert asked == {world.user(r).pk for r in staff}


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ((), "Add at least one question."),
        ((QuestionDraft("Which one?", "single", ()),), "Question 1 needs at least two options"),
        ((QuestionDraft("Which one?", "multiple", ("only",)),), "Question 1 needs at least two"),
    ],
)
def test_a_poll_without_options_is_refused_and_nothing_stored(
    world: Any, questions: tuple[QuestionDraft, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        make_poll(world, questions=questions)
    assert message in " ".join(error.value.messages)
    assert not Poll.objects.exists()
    assert not PollRecipient.objects.exists()


def test_a_past_deadline_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        make_poll(world, deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert not Poll.objects.exists()


def test_an_audience_with_nobody_is_refused(world: Any) -> None:
    empty = StudentFactory(school_class=world.other_class).school_class
    empty.students.all().update(left_on=timezone.localdate())
    with pytest.raises(ValidationError, match="Nobody would be asked"):
        make_poll(world, actor=world.user("principal"), school_class=empty)
    assert not Poll.objects.exists()


def test_named_answer_can_change_until_the_deadline(world: Any, named_poll: Poll) -> None:
    guardian = world.user("guardian")
    _answer(named_poll, guardian, first=0, text="Thanks")
    _answer(named_poll, guardian, first=1)
    response = PollResponse.objects.get(poll=named_poll)
    assert response.user_id == guardian.pk
    q1 = named_poll.questions.first()
    assert list(
        PollAnswer.objects.filter(response=response, question=q1).values_list(
            "option__text", flat=True
        )
    ) == ["By e-mail"]
    assert not PollAnswer.objects.filter(response=response, text="Thanks").exists()
    codes = list(HistoryEntry.objects.filter(object_type="poll").values_list("code", flat=True))
    assert "polls.poll.answered" in codes and "polls.poll.answer_changed" in codes
    Poll.objects.filter(pk=named_poll.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    named_poll.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        _answer(named_poll, guardian)


def test_anonymous_answer_has_no_link_to_its_author(world: Any, anonymous_poll: Poll) -> None:
    guardian, student = world.user("guardian"), world.user("student")
    _answer(anonymous_poll, guardian, first=0, text="Secret from the guardian")
    _answer(anonymous_poll, student, first=1)
    assert PollRecipient.objects.filter(poll=anonymous_poll, answered=True).count() == 2
    # No column of the response or answer tables holds a user id or a time: what the database
    # administrator sees is the same whoever answered.
    for model in (PollResponse, PollAnswer):
        with connection.cursor() as cursor:
            columns = [
                c.name
                for c in connection.introspection.get_table_description(
                    cursor, model._meta.db_table
                )
            ]
        rows = list(model.objects.filter(school=world.school).values())
        for row in rows:
            assert row.get("user_id") is None
            assert row.get("updated_at") is None
            assert isinstance(row["id"], type(PollResponse().id))  # random UUID, no sequence
        assert "created_at" not in columns
    # Nothing in the history names the answer either.
    assert not HistoryEntry.objects.filter(
        object_type="poll", object_id=anonymous_poll.pk, code__startswith="polls.poll.answer"
    ).exists()
    assert not HistoryEntry.objects.filter(new__icontains="Secret").exists()


def test_anonymous_answer_is_final(world: Any, anonymous_poll: Poll) -> None:
    _answer(anonymous_poll, world.user("guardian"))
    with pytest.raises(services.AlreadyAnswered):
        _answer(anonymous_poll, world.user("guardian"), first=1)
    assert PollResponse.objects.filter(poll=anonymous_poll).count() == 1


def test_reminder_goes_only_to_those_who_have_not_answered(
    world: Any, named_poll: Poll, django_capture_on_commit_callbacks: Any
) -> None:
    _answer(named_poll, world.user("guardian"))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        n = services.poll_remind(actor=world.user("homeroom_teacher"), poll=named_poll)
    assert n == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [
        world.user("student").pk
    ]
    assert HistoryEntry.objects.filter(code="polls.poll.reminded").exists()


@pytest.mark.postgres
def test_postgres_row_transaction_ids_do_not_pair_an_anonymous_answer_with_its_author(
    world: Any, anonymous_poll: Poll
) -> None:
    _answer(anonymous_poll, world.user("guardian"))
    _answer(anonymous_poll, world.user("student"), first=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM polls_pollrecipient WHERE poll_id = %s",
            [anonymous_poll.pk],
        )
        flags = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT xmin::text FROM polls_pollresponse WHERE poll_id = %s", [anonymous_poll.pk]
        )
        responses = [row[0] for row in cursor.fetchall()]
    # Every flag carries the last answer's transaction; the first answer's matches no flag.
    assert len(flags) == 1
    assert len(set(responses)) == 2
    assert sum(1 for x in responses if x in flags) == 1
