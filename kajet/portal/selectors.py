"""Reads of portal accounts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from kajet.portal.models import LoginLink, PortalAccount


def login_links_for_account(account: PortalAccount) -> list[LoginLink]:
    """The account's linked school logins with their schools (one query)."""
    return list(
        LoginLink.objects.filter(account=account)
        .select_related("user", "user__school")
        .order_by("user__school__name", "user__last_name", "user__first_name", "pk")
    )


def portal_link_status_for_users(user_ids: Iterable[int]) -> dict[int, datetime | None]:
    """For the school: which of these logins are linked to a portal account, and when each was
    last used through it (never the account's e-mail). One query."""
    return dict(
        LoginLink.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "last_used_at")
    )
