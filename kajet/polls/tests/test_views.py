"""Every polls page as the right role, a wrong role and another school's user (404)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from kajet.polls.models import Poll, PollAnswer, PollRecipient, PollResponse
from kajet.polls.tests.conftest import make_poll

pytestmark = pytest.mark.django_db

LIST = reverse("polls:list")
CREATE = reverse("polls:create")


def _post_data(poll: Poll, first: int = 0) -> dict[str, Any]:
    q1, q2, q3 = poll.questions.all()
    return {
        f"q{q1.pk}": str(q1.options.all()[first].pk),
        f"q{q2.pk}": [str(o.pk) for o in q2.options.all()[:2]],
        f"q{q3.pk}": "Fine",
    }


def _create_data(**kw: Any) -> dict[str, Any]:
    data = {
        "title": "Trip",
        "description": "",
        "audience": "class",
        "families": "guardians",
        "deadline": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "q1_text": "Where to?",
        "q1_kind": "single",
        "q1_options": "Kraków\nGdańsk",
        "q2_text": "",
        "q2_kind": "single",
        "q2_options": "",
        "q3_kind": "single",
        "q4_kind": "single",
        "q5_kind": "single",
    }
    data.update(kw)
    return data


# --- list ------------------------------------------------------------------------------------


def test_list_shows_the_poll_to_recipients_and_author(
    world: Any, client_for: Any, named_poll: Poll
) -> None:
    for role in ("guardian", "student", "homeroom_teacher"):
        page = client_for(world.user(role)).get(LIST)
        assert page.status_code == 200
        assert "Homework hand-in" in page.content.decode()
    teacher = client_for(world.user("teacher")).get(LIST).content.decode()
    assert "Homework hand-in" not in teacher


def test_list_of_another_school_shows_nothing(
    world: Any, other_world: Any, client_for: Any, named_poll: Poll
) -> None:
    with scopes_disabled():
        for role in ("guardian", "student", "homeroom_teacher", "principal"):
            page = client_for(other_world.user(role)).get(LIST)
            assert page.status_code == 200
            assert "Homework hand-in" not in page.content.decode()


# --- create ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["teacher", "homeroom_teacher", "principal"])
def test_create_page_for_authors(world: Any, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).get(CREATE).status_code == 200


@pytest.mark.parametrize(
    "role", ["guardian", "student", "pedagogue", "psychologist", "secretariat", "school_admin"]
)
def test_create_refused_to_other_roles(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, _create_data(school_class=world.school_class.pk)).status_code == 404
    assert not Poll.objects.exists()


def test_teacher_publishes_a_poll_for_a_class_they_teach(world: Any, client_for: Any) -> None:
    response = client_for(world.user("teacher")).post(
        CREATE, _create_data(school_class=world.school_class.pk)
    )
    poll = Poll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("polls:results", args=[poll.pk])
    assert list(poll.recipients.values_list("user_id", flat=True)) == [world.user("guardian").pk]


def test_teacher_cannot_ask_a_class_they_do_not_teach(world: Any, client_for: Any) -> None:
    page = client_for(world.user("teacher")).post(
        CREATE, _create_data(school_class=world.other_class.pk)
    )
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert not Poll.objects.exists()


def test_only_the_principal_asks_the_whole_school(world: Any, client_for: Any) -> None:
    page = client_for(world.user("homeroom_teacher")).post(CREATE, _create_data(audience="staff"))
    assert page.status_code == 200
    assert not Poll.objects.exists()
    page = client_for(world.user("principal")).post(CREATE, _create_data(audience="staff"))
    assert page.status_code == 302
    assert Poll.objects.get().recipients.count() == 6


def test_a_poll_with_no_options_gets_a_clear_message_and_nothing_is_stored(
    world: Any, client_for: Any
) -> None:
    page = client_for(world.user("teacher")).post(
        CREATE, _create_data(school_class=world.school_class.pk, q1_options="")
    )
    assert page.status_code == 200
    assert "Question 1 needs at least two options (one per line)." in page.content.decode()
    assert not Poll.objects.exists()
    assert not PollRecipient.objects.exists()


def test_create_of_another_school_class_is_refused(
    world: Any, other_world: Any, client_for: Any
) -> None:
    with scopes_disabled():
        client = client_for(other_world.user("principal"))
        page = client.post(CREATE, _create_data(school_class=world.school_class.pk))
        assert page.status_code == 200
        assert not Poll.objects.filter(school=world.school).exists()


# --- one poll: answering ---------------------------------------------------------------------


def test_recipient_answers_and_changes_a_named_poll(
    world: Any, client_for: Any, named_poll: Poll
) -> None:
    url = reverse("polls:detail", args=[named_poll.pk])
    client = client_for(world.user("guardian"))
    assert "Send my answer" in client.get(url).content.decode()
    assert client.post(url, _post_data(named_poll)).status_code == 302
    page = client.get(url).content.decode()
    assert "You have answered." in page and "Change my answer" in page
    assert client.post(url, _post_data(named_poll, first=1)).status_code == 302
    assert PollResponse.objects.get().user_id == world.user("guardian").pk
    assert PollAnswer.objects.filter(option__text="By e-mail").count() == 1


def test_anonymous_poll_takes_one_answer(world: Any, client_for: Any, anonymous_poll: Poll) -> None:
    url = reverse("polls:detail", args=[anonymous_poll.pk])
    client = client_for(world.user("student"))
    assert client.post(url, _post_data(anonymous_poll)).status_code == 302
    page = client.get(url).content.decode()
    assert "Send my answer" not in page and "Change my answer" not in page
    assert client.post(url, _post_data(anonymous_poll, first=1), follow=True).status_code == 200
    assert PollResponse.objects.count() == 1
    assert PollResponse.objects.get().user_id is None


def test_an_incomplete_answer_is_refused(world: Any, client_for: Any, named_poll: Poll) -> None:
    url = reverse("polls:detail", args=[named_poll.pk])
    page = client_for(world.user("guardian")).post(url, {})
    assert page.status_code == 200
    assert "This field is required." in page.content.decode()
    assert not PollResponse.objects.exists()


def test_closed_poll_takes_no_answer(world: Any, client_for: Any, named_poll: Poll) -> None:
    Poll.objects.filter(pk=named_poll.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    url = reverse("polls:detail", args=[named_poll.pk])
    client = client_for(world.user("guardian"))
    assert "Send my answer" not in client.get(url).content.decode()
    client.post(url, _post_data(named_poll))
    assert not PollResponse.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "principal", "pedagogue", "secretariat"])
def test_someone_not_asked_gets_404(
    world: Any, client_for: Any, named_poll: Poll, role: str
) -> None:
    url = reverse("polls:detail", args=[named_poll.pk])
    client = client_for(world.user(role))
    assert client.get(url).status_code == 404
    assert client.post(url, _post_data(named_poll)).status_code == 404


def test_author_sees_the_poll_but_does_not_answer_it(
    world: Any, client_for: Any, named_poll: Poll
) -> None:
    url = reverse("polls:detail", args=[named_poll.pk])
    client = client_for(world.user("homeroom_teacher"))
    page = client.get(url)
    assert page.status_code == 200 and "Send my answer" not in page.content.decode()
    assert client.post(url, _post_data(named_poll)).status_code == 404


def test_other_school_gets_404_for_every_poll_url(
    world: Any, other_world: Any, client_for: Any, named_poll: Poll
) -> None:
    urls = [
        reverse(name, args=[named_poll.pk])
        for name in ("polls:detail", "polls:results", "polls:remind")
    ]
    with scopes_disabled():
        for role in ("guardian", "student", "homeroom_teacher", "teacher", "principal"):
            client = client_for(other_world.user(role))
            for url in urls:
                assert client.get(url).status_code in (404, 405)
                assert client.post(url, _post_data(named_poll)).status_code == 404
    assert not PollResponse.objects.exists()


# --- results and reminder --------------------------------------------------------------------


def test_author_sees_results_and_who_has_not_answered(
    world: Any, client_for: Any, named_poll: Poll
) -> None:
    client_for(world.user("guardian")).post(
        reverse("polls:detail", args=[named_poll.pk]), _post_data(named_poll)
    )
    page = client_for(world.user("homeroom_teacher")).get(
        reverse("polls:results", args=[named_poll.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 of 2 (50%)" in html
    assert '<meter min="0" max="100" value="100"' in html
    assert "1 answer (100%)" in html and "0 answers (0%)" in html
    assert world.user("student").full_name in html
    assert "Fine" in html
    assert "style=" not in html.split("<main", 1)[-1]


def test_anonymous_results_name_nobody(world: Any, client_for: Any, anonymous_poll: Poll) -> None:
    page = client_for(world.user("homeroom_teacher")).get(
        reverse("polls:results", args=[anonymous_poll.pk])
    )
    html = page.content.decode()
    assert "Not answered yet" not in html
    assert world.user("student").full_name not in html


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "principal"])
def test_results_and_reminder_refused_to_others_than_the_author(
    world: Any, client_for: Any, named_poll: Poll, role: str
) -> None:
    client = client_for(world.user(role))
    assert client.get(reverse("polls:results", args=[named_poll.pk])).status_code == 404
    assert client.post(reverse("polls:remind", args=[named_poll.pk])).status_code == 404


def test_author_reminds(world: Any, client_for: Any, named_poll: Poll) -> None:
    client = client_for(world.user("homeroom_teacher"))
    page = client.post(reverse("polls:remind", args=[named_poll.pk]), follow=True)
    assert "A reminder was sent to 2 person(s)" in page.content.decode()
    named_poll.refresh_from_db()
    assert named_poll.reminded_at is not None


def test_principal_poll_is_not_visible_to_the_teacher(world: Any, client_for: Any) -> None:
    poll = make_poll(world, actor=world.user("principal"))
    assert (
        client_for(world.user("teacher")).get(reverse("polls:results", args=[poll.pk])).status_code
        == 404
    )


def test_pages_speak_polish_by_default(
    world: Any, client_for: Any, named_poll: Poll, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "pl"
    with translation.override("pl"):
        guardian = client_for(world.user("guardian"))
        guardian.cookies.load({settings.LANGUAGE_COOKIE_NAME: "pl"})
        page = guardian.get(LIST).content.decode()
        assert "Ankiety do wypełnienia" in page and "czeka na odpowiedź" in page
        detail = guardian.get(reverse("polls:detail", args=[named_poll.pk])).content.decode()
        assert "Wyślij odpowiedź" in detail
        author = client_for(world.user("homeroom_teacher"))
        author.cookies.load({settings.LANGUAGE_COOKIE_NAME: "pl"})
        results = author.get(reverse("polls:results", args=[named_poll.pk])).content.decode()
        assert "Jeszcze nie odpowiedzieli" in results and "0 odpowiedzi (0%)" in results
        page = author.post(CREATE, _create_data(school_class=world.school_class.pk, q1_options=""))
        assert "Pytanie 1 musi mieć co najmniej dwie odpowiedzi" in page.content.decode()
