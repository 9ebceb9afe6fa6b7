"""Background jobs of the records app (Celery; in process after commit in the embedded
default): building a year-end archive's files, rendering a printout."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any) -> None:
    """Queue a job; in the embedded default it runs here. A failure is recorded on the
    archive by the job itself; anything else is logged instead of breaking the page."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("records job %s failed", task.name)


@shared_task(name="records.archive_build")
def archive_build_task(archive_id: int) -> str:
    from kajet.records.archive.services import archive_build

    return archive_build(archive_id=archive_id)


@shared_task(name="records.print_job")
def print_job_task(job_id: int) -> str:
    from kajet.records.printing import print_job_run

    return print_job_run(job_id=job_id)
