"""Announcements (the school's notice board) and who has read them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kajet.core.models import TenantModel
from kajet.school.models import SchoolClass


class Announcement(TenantModel):
    """A notice for an audience, shown from a date until a date (or indefinitely).

    The text is plain text: templates keep its line breaks and turn links into links, and
    nothing the author types is rendered as HTML. Deleting is soft (``deleted_at``).
    """

    class Audience(models.TextChoices):
        SCHOOL = "school", _("the whole school")
        CLASSES = "classes", _("chosen classes (students and guardians)")
        STAFF = "staff", _("staff only")
        GUARDIANS = "guardians", _("guardians only")
        STUDENTS = "students", _("students only")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    classes = models.ManyToManyField(
        SchoolClass, blank=True, related_name="announcements", verbose_name=_("classes")
    )
    shown_from = models.DateField(_("shown from"))
    shown_until = models.DateField(_("shown until"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    # Set by the principal only: its notifications go through quiet hours and digests.
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pinned", "-shown_from", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["school", "audience", "shown_from"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shown_until__isnull=True)
                | models.Q(shown_until__gte=models.F("shown_from")),
                name="announcement_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(TenantModel):
    """The first time a user opened an announcement (the author sees these)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["read_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "user"], name="announcementread_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id}:{self.user_id}"
