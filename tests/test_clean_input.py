"""Text input is cleaned in one place (issue 14.7): invisible characters are removed from every
form a page receives (``CleanInputMiddleware``) and every API body (``kajet.api.parsers``), so
a required field made only of them is refused; numbers are read from ASCII digits only, with
full-width forms made ASCII (``kajet.core.numbers``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.api.tests.helpers import bearer, token_for
from kajet.core.numbers import parse_id, parse_whole, typed_number
from kajet.core.text import clean_data, strip_invisible
from kajet.messaging.models import Message
from kajet.testutils.factories import SchoolWorld

ClientFor = Callable[[Any], Client]
INVISIBLE_ONLY = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Wycieczka", "Wycieczka"),
        ("Wy\u200bcieczka", "Wycieczka"),
        (INVISIBLE_ONLY, ""),
        ("\ufeffŻółć", "Żółć"),
        ("m² i ５", "m² i ５"),  # visible text stays as typed
        ("a\u202eb", "ab"),  # a direction override cannot reorder what others see
    ],
)
def test_strip_invisible(raw: str, clean: str) -> None:
    assert strip_invisible(raw) == clean


def test_clean_data_walks_lists_and_dicts() -> None:
    assert clean_data({"a": ["x\u200b", 1], "b": {"c": "\u200d"}, "d": None}) == {
        "a": ["x", 1],
        "b": {"c": ""},
        "d": None,
    }


@pytest.mark.parametrize(
    ("raw", "number_text", "whole", "id_"),
    [
        ("42", "42", 42, 42),
        (" \u200b42 ", "42", 42, None),  # typed numbers are cleaned; ids are sent, not typed
        ("\uff14\uff12", "42", 42, None),  # full-width
        ("\u0664\u0662", "\u0664\u0662", None, None),  # Arabic-Indic digits are not read
        ("\u00b2", "\u00b2", None, None),  # superscript two
        ("0", "0", 0, None),
        ("9" * 40, "9" * 40, None, None),
        ("-1", "-1", None, None),
    ],
)
def test_numbers_are_read_from_ascii_digits(
    raw: str, number_text: str, whole: int | None, id_: int | None
) -> None:
    assert typed_number(raw) == number_text
    assert parse_whole(raw) == whole
    assert parse_id(raw) == id_


@pytest.mark.django_db
def test_page_refuses_a_subject_of_invisible_characters(
    world: SchoolWorld, client_for: ClientFor
) -> None:
    client = client_for(world.user("guardian"))
    homeroom = world.user("homeroom_teacher")
    data = {
        "recipients": [f"person:{homeroom.pk}"],
        "subject": INVISIBLE_ONLY,
        "body": "Czy są wolne miejsca?",
        "idempotency_key": str(uuid.uuid4()),
    }
    assert client.post(reverse("messaging:compose"), data).status_code == 400
    assert not Message.objects.exists()
    data |= {"subject": "Wy\u200bcieczka", "idempotency_key": str(uuid.uuid4())}
    assert client.post(reverse("messaging:compose"), data).status_code == 302
    assert Message.objects.get().subject == "Wycieczka"


@pytest.mark.django_db
def test_api_refuses_a_subject_of_invisible_characters(world: SchoolWorld) -> None:
    headers: dict[str, Any] = bearer(token_for(world.user("guardian")))
    homeroom = world.user("homeroom_teacher")
    body = {
        "recipients": [f"person:{homeroom.pk}"],
        "subject": INVISIBLE_ONLY,
        "body": "?",
        "idempotency_key": str(uuid.uuid4()),
    }
    url = reverse("api:message-send")
    refused = Client().post(url, body, content_type="application/json", **headers)
    assert refused.status_code == 400
    assert not Message.objects.exists()
    # multipart (messages with attachments) is cleaned the same way
    body |= {"idempotency_key": str(uuid.uuid4())}
    assert Client().post(url, body, **headers).status_code == 400
    assert not Message.objects.exists()
