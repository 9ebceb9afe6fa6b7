"""Remarks (uwagi) about students: the school's categories, the remarks teachers write and the
families' "I have read it" acknowledgements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kajet.attendance.models import Lesson
from kajet.core.models import TenantModel
from kajet.school.models import Student


class Kind(models.TextChoices):
    POSITIVE = "positive", _("positive")
    NEGATIVE = "negative", _("negative")
    NEUTRAL = "neutral", _("neutral")


class RemarkCategory(TenantModel):
    """A category of remarks the school defines (e.g. "behaviour in class", "praise"), with
    the kind a remark of it usually is and, for schools that count behaviour points, the
    points it adds (negative: takes away). A category in use is deactivated, never deleted."""

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("usual kind"), max_length=10, choices=Kind.choices)
    points = models.SmallIntegerField(_("behaviour points"), default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name", "pk"]
        verbose_name = _("remark category")
        verbose_name_plural = _("remark categories")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="remark_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Remark(TenantModel):
    """One remark about one student. Corrections bump ``version`` and write history; removal
    is soft (``deleted_at``) with a reason in the history — the row stays for the register.

    ``points`` are the category's points at the time of writing (a later change of the
    category's points does not rewrite what was already counted)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="remarks")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(RemarkCategory, on_delete=models.PROTECT, related_name="remarks")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"))
    date = models.DateField(_("date"))
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    points = models.SmallIntegerField(_("behaviour points"), default=0)
    visible_to_student = models.BooleanField(_("the student sees it too"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")
        indexes = [
            models.Index(fields=["school", "student", "date"]),
            models.Index(fields=["school", "author"]),
        ]

    def __str__(self) -> str:
        return f"remark #{self.pk}"


class RemarkAcknowledgement(TenantModel):
    """A guardian's "Zapoznałem się" (I have read it) on a remark; the school sees who and
    when. Never removed."""

    remark = models.ForeignKey(Remark, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["remark", "user"], name="remark_ack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.remark_id}:{self.user_id}"
