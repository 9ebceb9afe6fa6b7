"""Making, revoking and resolving calendar-feed tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.feeds.models import CalendarFeedToken

#: last_used_at is written at most this often, so polling calendar apps cause few writes.
TOUCH_EVERY = datetime.timedelta(hours=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_token_regenerate(*, actor: User) -> str:
    """Give the user a new feed token (the old one, if any, stops working) and return the
    plain token — the only time it exists outside the user's calendar app."""
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.update_or_create(
        user=actor,
        defaults={
            "school_id": actor.school_pk,
            "token_hash": token_hash(token),
            "created_at": timezone.now(),
            "last_used_at": None,
        },
    )
    school = actor.own_school
    history_record(
        school=school,
        actor=actor,
        code="feeds.token.regenerated",
        object_type="user",
        object_id=actor.pk,
    )
    return token


@transaction.atomic
def feed_token_revoke(*, actor: User) -> bool:
    """Switch the user's feed off. Returns whether there was one."""
    deleted, _ = CalendarFeedToken.objects.filter(user=actor).delete()
    if deleted and actor.school is not None:
        history_record(
            school=actor.school,
            actor=actor,
            code="feeds.token.revoked",
            object_type="user",
            object_id=actor.pk,
        )
    return bool(deleted)


def feed_token_resolve(token: str) -> CalendarFeedToken | None:
    """The token's row with its active user, or None. Runs before any school is known (the
    token is the only credential), so the lookup is unscoped; callers open the scope of
    ``row.school_id`` afterwards."""
    if not token or len(token) > 100:
        return None
    with scopes_disabled():
        row = (
            CalendarFeedToken.objects.select_related("user", "school")
            .filter(token_hash=token_hash(token), user__is_active=True)
            .first()
        )
    if row is None or row.user.school_id != row.school_id:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        with scopes_disabled():
            CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def feed_token_of(user: User) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user).first()
