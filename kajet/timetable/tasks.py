"""Scheduled jobs of the timetable app (Celery; eager in the embedded default)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from kajet.timetable.services import lucky_numbers_predraw


@shared_task(name="timetable.lucky_numbers_predraw")
def lucky_numbers_predraw_task() -> int:
    """Draw the next school day's lucky number for every school that uses it. Schedule it
    once a day (e.g. 15:00 Europe/Warsaw); reading a number also draws it lazily."""
    return lucky_numbers_predraw(today=timezone.localdate())
