"""End to end in Chromium: the homeroom teacher publishes a poll from the menu, a guardian
answers it on a phone (360 px), the teacher sees the results, who has not answered, and
reminds them — at desktop and phone width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kajet.polls.models import Poll, PollRecipient, PollResponse
from kajet.testutils.browser import assert_accessible, horizontal_overflow
from kajet.testutils.factories import SchoolWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_poll_from_creation_to_results(
    world: SchoolWorld, live_server: Any, signed_in: Callable[..., Any]
) -> None:
    teacher = signed_in(world.user("homeroom_teacher"))
    teacher.goto(f"{live_server.url}/")
    teacher.get_by_role("link", name="Polls").first.click()
    teacher.get_by_role("link", name="New poll").click()
    teacher.get_by_label("Title").fill("Oddawanie zadań domowych")
    teacher.get_by_label("Who is asked").select_option("class")
    teacher.get_by_label("Class", exact=True).select_option(label=world.school_class.name)
    teacher.get_by_label("guardians and students").check()
    # A choice question with no options is refused and nothing is stored.
    teacher.get_by_label("Question 1", exact=True).fill("Jak wolisz oddawać zadania?")
    teacher.get_by_role("button", name="Publish the poll").click()
    teacher.get_by_text("Question 1 needs at least two options").first.wait_for()
    assert not Poll.objects.exists()
    teacher.get_by_label("Options of question 1 (one per line)").fill("Na kartce\nE-mailem")
    teacher.get_by_label("Question 2", exact=True).fill("Uwagi")
    teacher.get_by_label("Kind of question 2").select_option("text")
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Publish the poll").click()
    teacher.get_by_text("0 of 2 (0%)").wait_for()
    poll = Poll.objects.get()
    assert PollRecipient.objects.filter(poll=poll).count() == 2

    guardian = signed_in(world.user("guardian"), width=360)
    guardian.goto(f"{live_server.url}/ankiety/")
    guardian.get_by_role("link", name="Oddawanie zadań domowych").click()
    guardian.get_by_label("E-mailem").check()
    guardian.get_by_label("Uwagi").fill("Najlepiej do piątku")
    assert horizontal_overflow(guardian) == 0
    assert_accessible(guardian)
    guardian.get_by_role("button", name="Send my answer").click()
    guardian.get_by_text("Thank you, your answer is saved.").wait_for()
    assert PollResponse.objects.get(poll=poll).user_id == world.user("guardian").pk

    teacher.reload()
    teacher.get_by_text("1 of 2 (50%)").wait_for()
    teacher.get_by_text("Najlepiej do piątku").wait_for()
    meters = teacher.locator("meter")
    assert [meters.nth(i).get_attribute("value") for i in range(2)] == ["0", "100"]
    teacher.get_by_text(world.user("student").full_name).wait_for()
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Remind those who have not answered").click()
    teacher.get_by_text("A reminder was sent to 1 person(s)").wait_for()

    phone = signed_in(world.user("homeroom_teacher"), width=360)
    phone.goto(f"{live_server.url}/ankiety/{poll.pk}/wyniki/")
    phone.get_by_text("1 of 2 (50%)").wait_for()
    assert horizontal_overflow(phone) == 0
    phone.goto(f"{live_server.url}/ankiety/nowa/")
    assert horizontal_overflow(phone) == 0
