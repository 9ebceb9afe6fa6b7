"""Held lessons (with their topic), attendance types and marks, the school's attendance
policy, and excuses (a guardian's request to excuse some absences, sent through messages)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kajet.attendance import colours, excuses, stats
from kajet.core.models import TenantModel
from kajet.school.models import Course, LessonPeriod, Student

KIND_CHOICES = [
    (stats.PRESENT, _("present")),
    (stats.ABSENT, _("absent")),
    (stats.EXCUSED, _("excused absence")),
    (stats.LATE, _("late")),
    (stats.RELEASED, _("released")),
]


class AttendanceType(TenantModel):
    """A type a teacher can mark (standard or school-defined), counted as its base ``kind``
    (e.g. "school trip" counted as present). A school-defined type in use is deactivated,
    never deleted: ``is_active`` False keeps its marks but leaves it out of new marking."""

    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=4)
    kind = models.CharField(_("counted as"), max_length=10, choices=KIND_CHOICES)
    colour = models.CharField(_("colour"), max_length=7, default="#6b7280")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_standard = models.BooleanField(default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("attendance type")
        verbose_name_plural = _("attendance types")
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="att_type_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def text_colour(self) -> str:
        """The colour of the code on the type's chip (black or white, the higher contrast)."""
        return colours.text_colour_for(self.colour)


class Lesson(TenantModel):
    """A lesson that was held: course, date, period, topic and who held it (a substitute
    may hold another teacher's lesson)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    period = models.ForeignKey(LessonPeriod, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "period__number"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "date", "period"], name="att_lesson_unique_slot"
            ),
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"{self.course} {self.date} ({self.period_id})"


class AttendanceMark(TenantModel):
    """One student's attendance at one held lesson. ``version`` grows with every change
    (each change is also in the history)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    type = models.ForeignKey(AttendanceType, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="att_mark_unique"),
        ]
        indexes = [models.Index(fields=["school", "student"])]


class AttendancePolicy(TenantModel):
    """The school's attendance rules (one row per school; defaults when missing)."""

    excuse_deadline_days = models.PositiveSmallIntegerField(
        _("days to excuse an absence"), default=7
    )
    adult_self_excuse = models.BooleanField(
        _("adult students may excuse themselves"), default=False
    )
    threshold_percent = models.PositiveSmallIntegerField(_("attendance threshold (%)"), default=50)

    class Meta:
        verbose_name = _("attendance policy")
        verbose_name_plural = _("attendance policies")
        constraints = [models.UniqueConstraint(fields=["school"], name="att_policy_one")]


def excuse_attachment_path(instance: Excuse, filename: str) -> str:
    return f"attendance/excuses/{instance.school_id}/{filename}"


class Excuse(TenantModel):
    """A request to excuse some of a student's absences, decided by the homeroom teacher."""

    STATUS_CHOICES = [
        (excuses.PENDING, _("waiting")),
        (excuses.APPROVED, _("approved")),
        (excuses.REJECTED, _("rejected")),
        (excuses.WITHDRAWN, _("withdrawn")),
    ]

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=STATUS_CHOICES, default=excuses.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A doctor's note: only the homeroom teacher, the pedagogue and the principal see it.
    attachment = models.FileField(upload_to=excuse_attachment_path, max_length=200, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("excuse")
        verbose_name_plural = _("excuses")
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"excuse #{self.pk}"


class ExcuseItem(TenantModel):
    """One absence (mark) an excuse asks to excuse, and what the decision did to it."""

    OUTCOME_CHOICES = [
        (excuses.ITEM_PENDING, _("waiting")),
        (excuses.ITEM_EXCUSED, _("excused")),
        (excuses.ITEM_SKIPPED, _("changed meanwhile, left alone")),
        (excuses.ITEM_REJECTED, _("not excused")),
        (excuses.ITEM_WITHDRAWN, _("withdrawn")),
    ]

    excuse = models.ForeignKey(Excuse, on_delete=models.CASCADE, related_name="items")
    mark = models.ForeignKey(AttendanceMark, on_delete=models.CASCADE, related_name="excuse_items")
    outcome = models.CharField(max_length=10, choices=OUTCOME_CHOICES, default=excuses.ITEM_PENDING)
