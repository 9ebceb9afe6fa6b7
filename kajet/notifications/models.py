"""In-app notifications: the one entry point every module's events go through.

E-mail and push delivery read the same rows later (a delivery job per channel); for now the
user sees them in the app (the bell in the navigation and the notifications page).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kajet.core.models import TenantModel


class Notification(TenantModel):
    class Kind(models.TextChoices):
        GRADE = "grade", _("new grade")
        MESSAGE = "message", _("new message")
        ABSENCE = "absence", _("absence")
        EXCUSE = "excuse", _("excuse")
        CHANGE = "change", _("timetable change")
        ANNOUNCEMENT = "announcement", _("announcement")
        HOMEWORK = "homework", _("homework")
        EVENT = "event", _("calendar event")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
