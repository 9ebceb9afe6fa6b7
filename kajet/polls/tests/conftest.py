from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from kajet.polls import services
from kajet.polls.models import Poll
from kajet.polls.rules import QuestionDraft
from kajet.testutils.browser_fixtures import browser, signed_in

__all__ = ["browser", "make_poll", "named_poll", "anonymous_poll", "signed_in"]

QUESTIONS = (
    QuestionDraft("How should homework be handed in?", "single", ("On paper", "By e-mail")),
    QuestionDraft("Which days suit you?", "multiple", ("Monday", "Wednesday", "Friday")),
    QuestionDraft("Anything else?", "text"),
)


def make_poll(world: Any, *, anonymous: bool = False, **kw: Any) -> Poll:
    """A poll by the homeroom teacher for the guardians and students of the world's class."""
    values: dict[str, Any] = {
        "actor": world.user("homeroom_teacher"),
        "school": world.school,
        "title": "Homework hand-in",
        "description": "",
        "audience": "class",
        "school_class": world.school_class,
        "group": None,
        "families": "both",
        "anonymous": anonymous,
        "deadline": timezone.localdate() + datetime.timedelta(days=7),
        "questions": QUESTIONS,
    }
    values.update(kw)
    return services.poll_create(**values)


@pytest.fixture
def named_poll(world: Any) -> Poll:
    return make_poll(world)


@pytest.fixture
def anonymous_poll(world: Any) -> Poll:
    return make_poll(world, anonymous=True)
