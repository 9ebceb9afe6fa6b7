"""Reads for the messaging pages and API, each with a fixed number of queries, and the facts
the pure recipient rules (``recipients.py``) decide on.
"""

from __future__ import annotations

from kajet.messaging.selectors.council import council_for_class
from kajet.messaging.selectors.facts import persons_for, target_user_ids, writer_for
from kajet.messaging.selectors.folders import (
    PAGE_SIZE,
    SenderRef,
    UnreadRow,
    delivery_list_for_folder,
    folder_counts,
    folder_page,
    read_receipts,
    unread_count,
    unread_latest,
)
from kajet.messaging.selectors.picker import (
    ROLE_GROUP_LABELS,
    Option,
    OptionGroup,
    recipient_options_for,
)

__all__ = [
    "Option",
    "OptionGroup",
    "PAGE_SIZE",
    "ROLE_GROUP_LABELS",
    "SenderRef",
    "UnreadRow",
    "council_for_class",
    "delivery_list_for_folder",
    "folder_counts",
    "folder_page",
    "persons_for",
    "read_receipts",
    "recipient_options_for",
    "target_user_ids",
    "unread_count",
    "unread_latest",
    "writer_for",
]
