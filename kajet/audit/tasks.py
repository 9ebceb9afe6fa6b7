"""The scheduled retention job (Celery beat in production; eager in the embedded default)."""

from __future__ import annotations

from celery import shared_task

from kajet.audit.retention import retention_run


@shared_task(name="audit.retention")
def retention_task() -> dict[str, int]:
    """Delete what is past its retention period (daily); left students are only counted."""
    return {line.key: line.count for line in retention_run(dry_run=False)}
