"""What the printouts need beyond the register itself: the certificate's "achievements"
field, filled in by the homeroom teacher when reviewing the class's certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kajet.core.models import TenantModel
from kajet.school.models import SchoolYear, Student


class CertificateNote(TenantModel):
    """The extra-curricular achievements (szczególne osiągnięcia) printed on a student's
    certificate for a school year. Changed only by ``certificate_note_set`` (with history)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    achievements = models.TextField(_("achievements"), blank=True, max_length=1000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate note")
        verbose_name_plural = _("certificate notes")
        constraints = [
            models.UniqueConstraint(fields=["student", "year"], name="certnote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}:{self.year_id}"


def _archive_path(instance: YearArchive, filename: str) -> str:
    return f"archiwum/{instance.school_id}/{filename}"


class YearArchive(TenantModel):
    """The year-end archive of a school year: one ZIP (the XML export, its XSD, the classes'
    PDFs and a manifest with every file's SHA-256, signed by the principal with XAdES).

    Built in two steps: a background job writes the files (``status`` queued → building →
    built, with ``done``/``total`` for the progress bar), then the principal signs the
    manifest with a PKCS#12 file uploaded for that moment (→ signed). Kajet keeps the ZIP
    and the signer's certificate subject and serial number, never the key or its password.
    Written only by ``kajet.records.archive.services``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        BUILDING = "building", _("being generated")
        BUILT = "built", _("generated, waiting for the signature")
        SIGNED = "signed", _("signed")
        FAILED = "failed", _("failed")

    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    #: The unsigned files while waiting for the signature; the signed ZIP afterwards.
    file = models.FileField(upload_to=_archive_path, max_length=200, blank=True)
    #: The manifest (unsigned until signed; then the signed one, as in the ZIP).
    manifest = models.TextField(blank=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True)
    signer_subject = models.CharField(max_length=500, blank=True)
    signer_serial = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("year-end archive")
        verbose_name_plural = _("year-end archives")

    def __str__(self) -> str:
        return f"{self.year_id}:{self.status}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def _print_path(instance: PrintJob, filename: str) -> str:
    return f"wydruki/{instance.school_id}/{filename}"


class PrintJob(TenantModel):
    """A printout made in the background (the class register, the grades summary, the class's
    record sheets, the certificates, and the family's data export as a ZIP): asked for by
    one user, rendered by a Celery job in steps (``done``/``total`` for the progress bar),
    kept as a file in the storage until
    retention purges it (``KAJET_RETENTION_PRINT_JOB_DAYS`` after it finished).

    ``key`` identifies the request (user, kind and parameters): asking again while the same
    request is queued or running returns that job (a double click, a retry). Written only by
    ``kajet.records.printing``; seen only by the user who asked."""

    class Kind(models.TextChoices):
        CLASS_REGISTER = "class_register", _("Class register")
        GRADES_SUMMARY = "grades_summary", _("Grades summary")
        RECORD_SHEETS = "record_sheets", _("Record sheets of the class")
        CERTIFICATES = "certificates", _("Certificates")
        FAMILY_DATA = "family_data", _("The family's data export")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being prepared")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict)
    key = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=150)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=_print_path, max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        constraints = [
            # One live job per request: the second of two simultaneous clicks gets the first.
            models.UniqueConstraint(
                fields=["requested_by", "key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="printjob_one_live_per_request",
            ),
        ]
        indexes = [models.Index(fields=["status", "finished_at"], name="printjob_finished")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.status}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_zip(self) -> bool:
        """The family's data export is a ZIP; every other job a PDF."""
        return self.kind == self.Kind.FAMILY_DATA

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0
