"""The access log: which staff member opened which student's data, and when (GDPR)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kajet.core.models import TenantModel
from kajet.school.models import Student


class Kind(models.TextChoices):
    """What was opened. One code per logged page (``kajet.audit.services.LOGGED_VIEWS``)."""

    GRADES = "grades", _("grades")
    ATTENDANCE = "attendance", _("attendance")
    EXCUSE = "excuse", _("excuse")
    EXCUSE_DOCUMENT = "excuse_document", _("excuse document")
    RECORD_SHEET = "record_sheet", _("student record sheet")
    SUPPORT_CARD = "support_card", _("pupil-support card")


class AccessLogEntry(TenantModel):
    """One page view of a student's data by a staff member. Written by
    ``services.access_log_record`` (one INSERT per page view), read by the principal and by the
    student's family, deleted only by the retention job after its period
    (``KAJET_RETENTION_ACCESS_LOG_DAYS``)."""

    at = models.DateTimeField(default=timezone.now)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["school", "student", "-at"]),
            models.Index(fields=["school", "viewer", "-at"]),
            models.Index(fields=["school", "-at"]),
            models.Index(fields=["at"]),
        ]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")

    def __str__(self) -> str:
        return f"{self.viewer_id} {self.kind} {self.student_id} {self.at:%Y-%m-%d %H:%M}"
