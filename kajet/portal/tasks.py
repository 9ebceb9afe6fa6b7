"""Scheduled jobs of portal accounts (Celery beat in production; eager in the embedded default)."""

from __future__ import annotations

from celery import shared_task

from kajet.portal.extras import extras_trial_warnings_send
from kajet.portal.services import portal_purge_unactivated


@shared_task(name="portal.purge_unactivated")
def purge_unactivated_task() -> int:
    """Delete registrations not activated within the activation period (daily)."""
    return portal_purge_unactivated()


@shared_task(name="portal.extras_trial_warnings")
def extras_trial_warnings_task() -> int:
    """With an extras plan on: the "trial ends" e-mails due today (daily; none without a plan)."""
    return extras_trial_warnings_send()
