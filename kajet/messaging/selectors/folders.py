"""Folders and messages: unread counts, the latest unread, folder pages, read receipts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Window

from kajet.accounts.models import User
from kajet.messaging.models import Delivery, Folder

PAGE_SIZE = 25


def unread_rows(user: User) -> QuerySet[Delivery]:
    """The user's unread received copies (the ``delivery_unread`` partial index's rows)."""
    return Delivery.objects.filter(
        owner_id=user.pk, is_unread=True, folder=Folder.INBOX, deleted_at__isnull=True
    )


def unread_count(user: User) -> int:
    """Unread received messages: one COUNT (every page's navigation badge; the dashboard
    hands over the number it read with ``unread_latest`` instead)."""
    return unread_rows(user).count()


@dataclass(frozen=True)
class SenderRef:
    id: int
    full_name: str


@dataclass(frozen=True)
class UnreadRow:
    """An unread received message as the dashboard lists it."""

    message_id: int
    subject: str
    sender: SenderRef
    created_at: Any


def unread_latest(user: User, *, limit: int) -> tuple[int, list[UnreadRow]]:
    """(how many unread received messages, the newest ``limit`` of them) in ONE query: the
    same rows as ``unread_count``, each carrying the total (a window COUNT)."""
    rows = list(
        unread_rows(user)
        .annotate(total=Window(expression=Count("id")))
        .order_by("-created_at", "-id")
        .values(
            "message_id",
            "created_at",
            "total",
            "message__subject",
            "message__sender_id",
            "message__sender__first_name",
            "message__sender__last_name",
        )[:limit]
    )
    total = rows[0]["total"] if rows else 0
    return total, [
        UnreadRow(
            message_id=row["message_id"],
            subject=row["message__subject"],
            sender=SenderRef(
                row["message__sender_id"],
                f"{row['message__sender__first_name'] or ''} "
                f"{row['message__sender__last_name'] or ''}".strip(),
            ),
            created_at=row["created_at"],
        )
        for row in rows
    ]


def folder_counts(user: User) -> dict[str, dict[str, int]]:
    """Per folder: all copies and unread ones (one grouped query)."""
    counts = {f.value: {"total": 0, "unread": 0} for f in Folder}
    rows = (
        Delivery.objects.filter(owner_id=user.pk, deleted_at__isnull=True)
        .values("folder", "is_unread")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("folder", "is_unread", "n")
    )
    for folder, is_unread, n in rows:
        counts[folder]["total"] += n
        if is_unread:
            counts[folder]["unread"] += n
    return counts


def delivery_list_for_folder(user: User, folder: str, *, query: str = "") -> QuerySet[Delivery]:
    """The user's own copies in one folder, newest first, with sender loaded; searchable by
    subject, text and sender name."""
    qs = (
        Delivery.objects.filter(owner_id=user.pk, folder=folder, deleted_at__isnull=True)
        .select_related("message__sender", "message__concerns_student__user")
        .order_by("-created_at", "-id")
    )
    query = query.strip()
    if query:
        words = query.split()[:5]
        for word in words:
            qs = qs.filter(
                Q(message__subject__fcontains=word)
                | Q(message__body__fcontains=word)
                | Q(message__sender__first_name__fcontains=word)
                | Q(message__sender__last_name__fcontains=word)
            )
    return qs


def folder_page(user: User, folder: str, *, query: str = "", page: Any = 1) -> Page[Delivery]:
    """One page of a folder (2 queries: the count and the page)."""
    paginator = Paginator(delivery_list_for_folder(user, folder, query=query), PAGE_SIZE)
    return paginator.get_page(page)


def read_receipts(message_id: int) -> list[Delivery]:
    """The recipients' copies of a message (read or not, deleted or not), for the sender."""
    return list(
        Delivery.objects.filter(message_id=message_id, is_sender_copy=False)
        .select_related("owner")
        .order_by("owner__last_name", "owner__first_name")
    )
