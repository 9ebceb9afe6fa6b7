"""Parent meetings (zebrania) of a class with their attendance register, and teachers'
consultation hours split into slots that guardians book."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kajet.core.models import TenantModel
from kajet.school.models import SchoolClass


class Meeting(TenantModel):
    """A meeting of a class's guardians with the homeroom teacher. ``attendance_recorded_at``
    is set once the teacher has recorded who came (the register the school keeps)."""

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("class")
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"))
    room = models.CharField(_("room"), max_length=60, blank=True)
    agenda = models.TextField(_("agenda"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-starts_at", "-pk"]
        verbose_name = _("parent meeting")
        verbose_name_plural = _("parent meetings")
        indexes = [
            models.Index(fields=["school", "school_class", "date"]),
            # The principal's list and calendar: every class's meetings of the school by date.
            models.Index(fields=["school", "date"]),
        ]

    def __str__(self) -> str:
        return f"meeting #{self.pk}"


class MeetingAttendance(TenantModel):
    """A guardian who attended a meeting (a row per guardian present)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "guardian"], name="meeting_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.guardian_id}"


class ConsultationSlot(TenantModel):
    """One bookable slot of a teacher's consultation hours (e.g. 16:00–16:10)."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    room = models.CharField(_("room"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        verbose_name = _("consultation slot")
        verbose_name_plural = _("consultation slots")
        indexes = [
            models.Index(fields=["school", "teacher", "date"]),
            # A guardian's free slots of every teacher in the coming days (the API).
            models.Index(fields=["school", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "date", "starts_at"], name="consultation_slot_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="consultation_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"slot #{self.pk}"


class ConsultationBooking(TenantModel):
    """A guardian's booking of one slot. The database holds the two rules: a slot is booked at
    most once (the one-to-one) and a guardian books at most one slot per teacher per day
    (``teacher`` and ``date`` are copied from the slot for that constraint). A cancelled
    booking is deleted (the history keeps it), so the slot is free again."""

    slot = models.OneToOneField(ConsultationSlot, on_delete=models.CASCADE, related_name="booking")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField()
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "teacher", "date"], name="consultation_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id}:{self.guardian_id}"
