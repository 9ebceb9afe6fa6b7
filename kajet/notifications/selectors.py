from __future__ import annotations

from typing import Any

from django.db.models import Count

from kajet.notifications.models import (
    ChannelDelivery,
    Notification,
    NotificationProfile,
    PushSubscription,
)


def notifications_list_for_user(*, user_id: int, limit: int = 50) -> list[Notification]:
    """The newest notifications of a user (one query)."""
    return list(Notification.objects.filter(user_id=user_id)[:limit])


def notifications_unread_count(*, user_id: int) -> int:
    """Unread notifications (an index-only count on (user, read_at))."""
    return int(Notification.objects.filter(user_id=user_id, read_at__isnull=True).count())


def push_devices_for_user(*, user_id: int) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user_id=user_id).order_by("-created_at"))


def delivery_counts(*, school_id: int) -> dict[str, dict[str, int]]:
    """channel → status → count for the school (one grouped query)."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        ChannelDelivery.objects.filter(school_id=school_id)
        .values("channel", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["channel"], {})[row["status"]] = row["n"]
    return counts


def delivery_log(*, school_id: int, status: str = "", limit: int = 100) -> list[Any]:
    """The newest delivery records of the school with the notification and the user."""
    qs = ChannelDelivery.objects.filter(school_id=school_id)
    if status:
        qs = qs.filter(status=status)
    return list(qs.select_related("notification", "user").order_by("-created_at", "-pk")[:limit])


def bounced_profiles(*, school_id: int, limit: int = 100) -> list[NotificationProfile]:
    """Users of the school whose confirmed address bounced, with the user (one query)."""
    return list(
        NotificationProfile.objects.filter(school_id=school_id, email_bounced=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")[:limit]
    )
