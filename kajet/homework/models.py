"""Homework set by a teacher for a course, its attachments, and students' "done" ticks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kajet.core.models import TenantModel
from kajet.school.models import Course, Student


class Homework(TenantModel):
    """One homework for the students of a course (its class, or its group).

    Deleting is soft (``deleted_at``): the row stays for the register's history; every
    selector and access helper hides deleted rows.
    """

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="homework")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    set_on = models.DateField(_("date set"))
    due_on = models.DateField(_("due date"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("homework")
        verbose_name_plural = _("homework")
        indexes = [
            models.Index(fields=["school", "course", "due_on"]),
            models.Index(fields=["school", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("set_on")), name="homework_due_after_set"
            ),
        ]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: HomeworkAttachment, filename: str) -> str:
    # A random directory per file: names never collide and are not guessable; the file is
    # still served only through the access-checked download view, never from MEDIA_URL.
    return f"homework/{instance.school_id}/{uuid.uuid4().hex}/{filename}"


class HomeworkAttachment(TenantModel):
    """A file attached to a homework (at most ``MAX_ATTACHMENTS`` per homework)."""

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class HomeworkDone(TenantModel):
    """A student's own tick "done" on a homework (seen by the student and their guardians)."""

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="done_marks")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="homework_done")
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["homework", "student"], name="homeworkdone_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.homework_id}:{self.student_id}"
