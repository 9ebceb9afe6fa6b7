from __future__ import annotations

from kajet.notifications.models import Notification


def notifications_list_for_user(*, user_id: int, limit: int = 50) -> list[Notification]:
    """The newest notifications of a user (one query)."""
    return list(Notification.objects.filter(user_id=user_id)[:limit])


def notifications_unread_count(*, user_id: int) -> int:
    """Unread notifications (an index-only count on (user, read_at))."""
    return int(Notification.objects.filter(user_id=user_id, read_at__isnull=True).count())
