"""send_transactional through Django's SMTP backend to a real SMTP server on loopback."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from kajet.notifications.email import send_transactional
from kajet.testutils.smtp import SmtpSink

pytestmark = pytest.mark.django_db(transaction=True)


def _send(language: str | None, to: str = "rodzic@example.org") -> None:
    send_transactional(
        to=to,
        template="notifications/email/verify_address",
        context={"name": "Anna", "link": "https://kajet.example/potwierdz/abc/"},
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("pl", "Kajet: potwierdź swój adres e-mail", "Potwierdź adres"),
        ("en", "Kajet: confirm your e-mail address", "Confirm the address"),
        (None, "Kajet: potwierdź swój adres e-mail", "Potwierdź adres"),  # Polish default
        ("de", "Kajet: potwierdź swój adres e-mail", "Potwierdź adres"),  # unknown → Polish
    ],
)
def test_sent_in_the_users_language(
    smtp_server: SmtpSink,
    settings: Any,
    language: str | None,
    subject: str,
    phrase: str,
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Kajet <szkola@example.org>"
    _send(language)
    [got] = smtp_server.received
    assert got.rcpt_tos == ["rodzic@example.org"]
    assert got.message["Subject"] == subject
    assert got.message["From"] == "Kajet <szkola@example.org>"
    assert "https://kajet.example/potwierdz/abc/" in got.text()
    assert phrase in got.html()
    assert 'href="https://kajet.example/potwierdz/abc/"' in got.html()


def test_waits_for_the_commit_and_a_rollback_sends_nothing(
    smtp_server: SmtpSink,
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _send("pl")
        raise RuntimeError
    assert smtp_server.received == []
    with transaction.atomic():
        _send("pl")
        assert smtp_server.received == []
    assert len(smtp_server.received) == 1


def test_no_address_sends_nothing(smtp_server: SmtpSink) -> None:
    assert (
        send_transactional(to="", template="notifications/email/verify_address", context={}) is None
    )
    assert smtp_server.received == []


def test_a_dead_smtp_server_does_not_break_the_caller(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens there
    settings.EMAIL_TIMEOUT = 1
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    _send("en")  # logged, not raised
