"""Messages, per-person copies (deliveries) with read receipts, attachments and class parents'
councils.

A message is written once and never edited. Every person who holds it has their own copy, a
``Delivery``: each recipient one, and the sender one (``is_sender_copy``), so folders, search,
moving and deleting work the same for everyone and the inbox is one indexed table.

``Delivery.first_read_at`` is the legal proof of delivery: it is set once, when the recipient
first opens the message, and nothing ever changes or clears it — marking a message unread only
flips ``is_unread`` (the recipient's own view), and deleting a copy only sets ``deleted_at``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kajet.core.models import TenantModel


class Message(TenantModel):
    """One sent message (immutable after sending)."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sent_messages"
    )
    subject = models.CharField(pgettext_lazy("message", "subject"), max_length=150)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("sent at"), db_index=True)
    concerns_student = models.ForeignKey(
        "school.Student",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("concerns student"),
    )
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    forward_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forwards"
    )
    # A double-clicked send posts the same key twice; the constraint keeps one message.
    idempotency_key = models.UUIDField(null=True, blank=True)
    # Kept on the row so folder lists need no per-message queries.
    recipients_label = models.CharField(max_length=300, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    read_count = models.PositiveIntegerField(default=0)
    attachment_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "idempotency_key"], name="message_unique_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class Folder(models.TextChoices):
    INBOX = "inbox", _("Received")
    SENT = "sent", _("Sent")
    ARCHIVE = "archive", _("Archive")
    TRASH = "trash", _("Trash")


class Delivery(TenantModel):
    """One person's copy of a message: a recipient's (with the read receipt) or the sender's.

    ``created_at`` repeats the message's time so that a folder is listed from one index.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_copies"
    )
    is_sender_copy = models.BooleanField(default=False)
    folder = models.CharField(max_length=10, choices=Folder.choices, default=Folder.INBOX)
    is_unread = models.BooleanField(default=True)
    first_read_at = models.DateTimeField(_("first read at"), null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message copy")
        verbose_name_plural = _("message copies")
        constraints = [
            models.UniqueConstraint(fields=["message", "owner"], name="delivery_unique_owner")
        ]
        indexes = [
            models.Index(
                fields=["owner", "folder", "-created_at"],
                condition=Q(deleted_at__isnull=True),
                name="delivery_folder_list",
            ),
            # The unread badge on every page counts from this partial index only.
            models.Index(
                fields=["owner"],
                condition=Q(is_unread=True, folder="inbox", deleted_at__isnull=True),
                name="delivery_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.owner_id} ({self.folder})"

    @property
    def home_folder(self) -> str:
        """Where a copy goes back to when restored from the trash."""
        return Folder.SENT if self.is_sender_copy else Folder.INBOX


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random path: the stored name says nothing and cannot be guessed or collide.
    suffix = ""
    if "." in filename:
        suffix = "." + filename.rsplit(".", 1)[1].lower()[:10]
    return f"messages/{instance.school_id}/{uuid.uuid4().hex}/{uuid.uuid4().hex}{suffix}"


class Attachment(TenantModel):
    """A file sent with a message; served only to its sender and recipients."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class CouncilMember(TenantModel):
    """A guardian appointed to a class parents' council (rada oddziałowa rodziców) by the
    class's homeroom teacher."""

    school_class = models.ForeignKey(
        "school.SchoolClass", on_delete=models.CASCADE, related_name="council_members"
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_seats"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("class parents' council member")
        verbose_name_plural = _("class parents' council members")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "guardian"], name="councilmember_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id}: {self.guardian_id}"
