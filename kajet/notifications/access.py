"""Who may see the school's delivery log and change its notification settings.

Everyone signed in manages their own notifications, preferences and push devices (rows are
always filtered by the user, so another user's subscription answers 404).
"""

from __future__ import annotations

from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.notifications.models import PushSubscription
from kajet.school.access import roles_of

PERMISSIONS: dict[str, frozenset[str]] = {
    "delivery_log.view": frozenset({Role.SCHOOL_ADMIN, Role.PRINCIPAL}),
    "school_settings.manage": frozenset({Role.SCHOOL_ADMIN}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def access_push_subscription(user: User, subscription_id: int) -> PushSubscription:
    """One of the user's own push devices, or 404."""
    found = PushSubscription.objects.filter(pk=subscription_id, user=user).first()
    if found is None:
        raise Http404
    return found
