"""The pedagogue's and the psychologist's own notes about their work with a student."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kajet.core.models import TenantModel
from kajet.school.models import Student


class SupportNote(TenantModel):
    """One entry of a specialist's private journal of their work with a student (a talk, a
    consultation with the parents, an observation). Seen only by its author and the
    principal (``access.notes_visible_to``); changed only by its author through
    ``services.support_note_update``, which keeps the previous text in the history. Never
    deleted by a user action."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    text = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("support note")
        verbose_name_plural = _("support notes")
        indexes = [models.Index(fields=["school", "student", "author"])]

    def __str__(self) -> str:
        return f"{self.student_id}:{self.date}"

    def snapshot(self) -> dict[str, object]:
        return {"date": self.date.isoformat(), "text": self.text}
