"""Writes: sending, reading (the receipt), moving and deleting copies, the parents' council.

One module per sub-domain; the public names are importable from the package."""

from __future__ import annotations

from kajet.messaging.services.council import (
    council_set,
)
from kajet.messaging.services.mailbox import (
    MOVE_TARGETS,
    deliveries_delete,
    deliveries_move,
    delivery_mark_unread,
    message_open,
    trash_empty,
)
from kajet.messaging.services.sending import (
    BODY_MAX,
    SUBJECT_MAX,
    IdempotencyConflict,
    MessageDraft,
    message_send,
    message_send_draft,
)

__all__ = [
    "BODY_MAX",
    "IdempotencyConflict",
    "MOVE_TARGETS",
    "MessageDraft",
    "SUBJECT_MAX",
    "council_set",
    "deliveries_delete",
    "deliveries_move",
    "delivery_mark_unread",
    "message_open",
    "message_send",
    "message_send_draft",
    "trash_empty",
]
