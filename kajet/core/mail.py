"""Transactional e-mail: one message to one address, in the recipient's language, sent in a
background job after the surrounding transaction commits.

This lives in ``kajet.core`` so that every app (``kajet.accounts`` included, which sits below
``kajet.notifications`` in the layer order) can send its activation, password-reset or
verification e-mails the same way. ``kajet.notifications.email`` re-exports it. Notification
e-mails (marks, messages, digests) do not use this: they go through delivery records
(``kajet.notifications.delivery``) so that they are sent at most once and logged.

Usage::

    from kajet.core.mail import send_transactional

    send_transactional(
        to=user.email,
        template="accounts/email/activation",
        context={"name": user.first_name, "link": absolute_link},
        language="pl",
    )

renders ``accounts/email/activation.subject.txt`` (one line), ``activation.txt`` (the plain
text, required) and ``activation.html`` (optional; may extend ``core/email/base.html``) with
``language`` active, and queues the message from ``DEFAULT_FROM_EMAIL``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderedEmail:
    """A rendered message, plain data so that it can travel to a worker as JSON."""

    to: list[str]
    subject: str
    text: str
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    from_email: str = ""

    def build(self, connection: Any = None) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text,
            from_email=self.from_email or settings.DEFAULT_FROM_EMAIL,
            to=self.to,
            headers=self.headers or None,
            connection=connection,
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message


def email_language(language: str | None) -> str:
    """The language to write in: the given one when Kajet has it, else the default."""
    available = {code for code, _name in settings.LANGUAGES}
    return language if language in available else "pl"


def render_email(
    *,
    to: str | list[str],
    template: str,
    context: Mapping[str, Any],
    language: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> RenderedEmail:
    """Render ``<template>.subject.txt``, ``<template>.txt`` and (if present)
    ``<template>.html`` in ``language``."""
    lang = email_language(language)
    data = {**context, "LANGUAGE_CODE": lang}
    with translation.override(lang):
        subject = " ".join(render_to_string(f"{template}.subject.txt", data).split())
        text = render_to_string(f"{template}.txt", data)
        html = _render_optional(f"{template}.html", data)
    recipients = [to] if isinstance(to, str) else list(to)
    return RenderedEmail(
        to=recipients, subject=subject, text=text, html=html, headers=dict(headers or {})
    )


def _render_optional(name: str, data: Mapping[str, Any]) -> str:
    try:
        return str(render_to_string(name, dict(data)))
    except TemplateDoesNotExist:
        return ""


@shared_task(
    name="core.send_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=5,
)
def send_email_task(message: dict[str, Any]) -> None:
    """Send one rendered message (retried with backoff when the SMTP server is away;
    ``smtplib``'s errors are ``OSError``s)."""
    RenderedEmail(**message).build(connection=get_connection()).send()


def _queue(message: RenderedEmail) -> None:
    try:
        send_email_task.delay(asdict(message))
    except Exception:  # eager mode (make run): a broken SMTP must not break the page
        logger.exception("Could not send e-mail %r to %s", message.subject, message.to)


def send_transactional(
    *,
    to: str,
    template: str,
    context: Mapping[str, Any],
    language: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> RenderedEmail | None:
    """Render now, send after the current transaction commits (at once outside one).

    Returns the rendered message (``None`` when ``to`` is empty: nothing is sent). Sending
    happens in the Celery task ``core.send_email`` (eager in the embedded default), retried
    with exponential backoff up to five times.
    """
    if not to:
        return None
    message = render_email(
        to=to, template=template, context=context, language=language, headers=headers
    )
    transaction.on_commit(lambda: _queue(message))
    return message
