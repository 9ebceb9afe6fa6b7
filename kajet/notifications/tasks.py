"""Background jobs of notifications (Celery; in process after commit in the embedded default).

``notifications.plan`` → ``notifications.send`` for what is due now; ``notifications.sweep``
(every minute: Celery beat in production, ``manage.py notifications_sweep --loop`` beside
``make run``) sends what quiet hours or a retry held back, the daily digests and the absence
alerts whose gathering window has closed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import shared_task
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.notifications.delivery import (
    chunks,
    deliveries_plan,
    deliveries_send,
    due_ids,
    release_stale,
)
from kajet.notifications.digest import digests_send

logger = logging.getLogger(__name__)
PLAN_BATCH = 2000


def enqueue(task: Any, *args: Any) -> None:
    """Queue a job; in the embedded default it runs here, and a failure is logged (the
    delivery rows keep the state, the sweep picks them up) instead of breaking the page."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("notification job %s failed", task.name)


def enqueue_plan(notification_ids: Sequence[int]) -> None:
    for chunk in chunks(notification_ids, PLAN_BATCH):
        enqueue(plan_task, chunk)


# Acknowledged after they ran: a task whose worker was killed is delivered again (at once
# when only the pool process died, else after the broker's visibility timeout). Running one
# twice is harmless: planning adds nothing new, sending claims only pending rows.
@shared_task(name="notifications.plan", acks_late=True, reject_on_worker_lost=True)
def plan_task(notification_ids: list[int]) -> int:
    with scopes_disabled():
        due = deliveries_plan(notification_ids=notification_ids)
    for chunk in chunks(due):
        enqueue(send_task, chunk)
    return len(due)


@shared_task(name="notifications.send", acks_late=True, reject_on_worker_lost=True)
def send_task(delivery_ids: list[int]) -> int:
    with scopes_disabled():
        return deliveries_send(ids=delivery_ids)


@shared_task(name="notifications.sweep")
def sweep_task() -> dict[str, int]:
    return sweep()


def sweep() -> dict[str, int]:
    """One round of the scheduled work; returns what it did (for logs and tests)."""
    from kajet.notifications.absence import absence_alerts_send

    now = timezone.now()
    with scopes_disabled():
        stale = release_stale(now)
        due = due_ids(now)
        for chunk in chunks(due):
            enqueue(send_task, chunk)
        digests = digests_send(now=now)
        alerts = absence_alerts_send(now=now)
    return {"stale": stale, "queued": len(due), "digests": digests, "alerts": alerts}
