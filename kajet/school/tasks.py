"""Scheduled jobs of the school app (Celery; eager in the embedded default)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.school.services.rollover import graduates_close


@shared_task(name="school.graduates_close")
def graduates_close_task() -> int:
    """Turn off the logins of graduates (and of students who left) whose last day has passed;
    the rollover sets that day. Once a day is enough; it looks at every school."""
    with scopes_disabled():
        return graduates_close(today=timezone.localdate())
