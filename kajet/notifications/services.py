"""The notification entry point. Domain services call ``notify`` inside their transaction;
rows are written when the transaction commits (nothing is announced for a rolled-back save)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from kajet.core.bulk import insert_fan_out
from kajet.core.models import School
from kajet.notifications.models import Notification


def notify(
    *, school: School | int, user_ids: Iterable[int], kind: str, title: str, url: str = ""
) -> None:
    """Tell each user about one event: one INSERT … SELECT for any number of users, run when
    the surrounding transaction commits."""
    school_id = school if isinstance(school, int) else school.pk
    ids = sorted(set(user_ids))
    if not ids:
        return

    def write() -> None:
        now = timezone.now()
        fixed = {
            "school_id": school_id,
            "kind": kind,
            "title": title[:200],
            "url": url,
            "created_at": connection.ops.adapt_datetimefield_value(now),
        }
        if insert_fan_out(
            table=Notification._meta.db_table, fixed=fixed, id_column="user_id", ids=ids
        ):
            return
        Notification.objects.bulk_create(  # databases without a fan-out statement
            [
                Notification(
                    school_id=school_id, user_id=uid, kind=kind, title=title[:200], url=url
                )
                for uid in ids
            ],
            batch_size=1000,
        )

    transaction.on_commit(write)


def notifications_mark_read(*, user_id: int, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return int(qs.update(read_at=timezone.now()))
