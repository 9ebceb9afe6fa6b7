"""Notifications: the in-app rows every module's events become, and how they leave the app.

``Notification`` is what the user sees in the app. ``ChannelDelivery`` is one attempt to carry
a notification by e-mail or push: at most one per notification and channel (a unique
constraint), claimed by exactly one worker before it is sent, so nothing is sent twice.
``NotificationProfile`` and ``NotificationPreference`` are a user's choices;
``SchoolNotificationSettings`` are the school's. ``PushSubscription`` is one browser or
installed app that receives Web Push. ``AbsenceAlert`` gathers a student's absences of one day
for a few minutes before the guardians are told.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
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
        REMARK = "remark", _("remark")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    # What a lock screen may show (no marks, no health data); empty: a generic text per kind.
    push_text = models.CharField(max_length=200, blank=True)
    # Sent through quiet hours (an announcement the principal flags urgent).
    urgent = models.BooleanField(default=False)
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


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PUSH = "push", _("push")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("immediately")
    DIGEST = "digest", _("in the daily digest")
    OFF = "off", _("off")


class ChannelDelivery(TenantModel):
    """One notification carried by one channel (unique per notification and channel)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DIGEST = "digest", _("waiting for the digest")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    send_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=300, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notification_delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["user", "status"]),
            models.Index(fields=["school", "-created_at"]),
            models.Index(fields=["claim"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} of notification {self.notification_id}: {self.status}"


class NotificationProfile(TenantModel):
    """A user's delivery settings: language, confirmed address, quiet hours, digest hour."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_profile"
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="pl"
    )
    # The address the user confirmed by the link; e-mail goes out only while it equals
    # User.email (a changed address needs a new confirmation).
    verified_email = models.EmailField(blank=True)
    email_bounced = models.BooleanField(default=False)
    quiet_from = models.TimeField(_("quiet hours from"), default=datetime.time(21, 0))
    quiet_until = models.TimeField(_("quiet hours until"), default=datetime.time(7, 0))
    digest_hour = models.PositiveSmallIntegerField(_("daily digest at"), default=17)
    last_digest_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notification profile of user {self.user_id}"


class NotificationPreference(TenantModel):
    """A user's choice for one kind of event (absent: the role's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    email = models.CharField(max_length=10, choices=EmailMode.choices)
    push = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: e-mail {self.email}, push {self.push}"


class SchoolNotificationSettings(TenantModel):
    """What the school allows (one row per school; absent: the defaults)."""

    email_enabled = models.BooleanField(_("send e-mail"), default=True)
    push_enabled = models.BooleanField(_("send push notifications"), default=True)
    student_email_allowed = models.BooleanField(_("e-mail to students"), default=False)
    absence_alert_late = models.BooleanField(_("absence alerts also for lateness"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school"], name="school_notification_settings_once")
        ]

    def __str__(self) -> str:
        return f"notification settings of school {self.school_id}"


class PushSubscription(TenantModel):
    """One browser or installed app that receives Web Push for a user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"push subscription of user {self.user_id}"


class AbsenceAlert(TenantModel):
    """A student's absences of one day, gathered until ``send_after``, then one alert."""

    class Status(models.TextChoices):
        GATHERING = "gathering", _("gathering")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("cancelled")

    student = models.ForeignKey("school.Student", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    # lesson id → "HH:MM subject (absent|late)" while the lesson's mark is an absence.
    lessons = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.GATHERING)
    send_after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "date"], name="absence_alert_once")
        ]
        indexes = [models.Index(fields=["status", "send_after"])]

    def __str__(self) -> str:
        return f"absence alert for student {self.student_id} on {self.date}"
