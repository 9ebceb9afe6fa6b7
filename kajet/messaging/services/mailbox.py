"""A user's copies of messages: opening one (the read receipt), marking it unread, moving copies
between folders, deleting them and emptying the trash.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.messaging.models import Delivery, Folder, Message


@transaction.atomic
def message_open(*, user: User, copy: Delivery) -> Delivery:
    """Opening a received copy records the first read (once, never changed) and clears the
    recipient's unread flag. The sender's own copy records nothing."""
    if copy.is_sender_copy:
        return copy
    if copy.first_read_at is None:
        now = timezone.now()
        updated = Delivery.objects.filter(pk=copy.pk, first_read_at__isnull=True).update(
            first_read_at=now, is_unread=False
        )
        if updated:
            Message.objects.filter(pk=copy.message_id).update(read_count=F("read_count") + 1)
            history_record(
                school=copy.message.school,
                actor=user,
                code="messaging.message.read",
                object_type="message",
                object_id=copy.message_id,
                new={"recipient": user.pk, "read_at": now.isoformat()},
            )
        copy.refresh_from_db(fields=["first_read_at", "is_unread"])
    elif copy.is_unread:
        Delivery.objects.filter(pk=copy.pk).update(is_unread=False)
        copy.is_unread = False
    return copy


def delivery_mark_unread(*, user: User, copy: Delivery) -> None:
    """Marks a received copy unread in the recipient's own view (the first read stays)."""
    if copy.is_sender_copy or copy.owner_id != user.pk:
        raise ValidationError(_("Only a received message can be marked unread."))
    Delivery.objects.filter(pk=copy.pk).update(is_unread=True)
    copy.is_unread = True


MOVE_TARGETS = ("archive", "trash", "restore")


@transaction.atomic
def deliveries_move(*, user: User, message_ids: Iterable[int], to: str) -> int:
    """Moves the user's own copies to the archive or trash, or back ("restore": received
    copies to Received, the sender's copy to Sent). Returns how many moved."""
    if to not in MOVE_TARGETS:
        raise ValidationError(_("Unknown folder."))
    qs = Delivery.objects.filter(
        owner_id=user.pk, message_id__in=list(message_ids), deleted_at__isnull=True
    )
    if to == "restore":
        moved = qs.filter(is_sender_copy=False).update(folder=Folder.INBOX)
        moved += qs.filter(is_sender_copy=True).update(folder=Folder.SENT)
        return int(moved)
    return int(qs.update(folder=to))


@transaction.atomic
def deliveries_delete(*, user: User, message_ids: Iterable[int]) -> int:
    """Deletes the user's own copies for good (from their view). The recipients' read
    receipts stay: only ``deleted_at`` is set."""
    count = int(
        Delivery.objects.filter(
            owner_id=user.pk, message_id__in=list(message_ids), deleted_at__isnull=True
        ).update(deleted_at=timezone.now())
    )
    return count


@transaction.atomic
def trash_empty(*, user: User) -> int:
    """Deletes every copy the user has in the trash (only their own copies)."""
    return int(
        Delivery.objects.filter(
            owner_id=user.pk, folder=Folder.TRASH, deleted_at__isnull=True
        ).update(deleted_at=timezone.now())
    )
