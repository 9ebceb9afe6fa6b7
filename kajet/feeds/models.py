"""Secret calendar-feed tokens. Only a SHA-256 hash of each token is stored: the plain token
(in the feed URL) is shown to its owner once, when it is made."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kajet.core.models import TenantModel


class CalendarFeedToken(TenantModel):
    """A user's one feed token. Regenerating replaces the hash, so the old URL stops working
    at once; deleting the row switches the feed off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"
