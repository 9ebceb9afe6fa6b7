"""Polls (ankiety): a staff member asks a class, a group, all guardians or the staff a few
questions; recipients answer once (a named answer may change until the deadline).

Anonymity is a storage rule, not a display rule. For an anonymous poll:

- ``PollResponse.user`` stays empty and the response has no time stamp;
- responses and answers have random UUID keys (no sequence whose order could be matched
  with the order of the "has answered" rows);
- the only trace of a person is their ``PollRecipient`` row with ``answered`` set, which
  says *that* they answered, never *what*;
- the answer cannot be changed later (there is nothing that links it to its author), and no
  history entry records its content;
- the transaction that stores an anonymous answer rewrites every "has answered" row of the
  poll, so PostgreSQL's per-row transaction ids (``xmin``) do not pair the answer with its
  author's row; the API's answer endpoint keeps no ``Idempotency-Key`` record (a hash of the
  body next to the user id).

Not covered, by design of the storage engine: the database's write-ahead log and not yet
vacuumed old row versions, and the physical order of rows, which an administrator with raw
access to the files could compare with outside records of when people answered (web server
logs). With very few answers, the results themselves may reveal who said what.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kajet.core.models import TenantModel
from kajet.school.models import ClassGroup, SchoolClass


class Audience(models.TextChoices):
    CLASS = "class", _("a class")
    GROUP = "group", _("a group")
    ALL_GUARDIANS = "guardians", _("all guardians of the school")
    STAFF = "staff", _("the school staff")


class Families(models.TextChoices):
    """Who of a class or group is asked."""

    GUARDIANS = "guardians", _("guardians")
    STUDENTS = "students", _("students")
    BOTH = "both", _("guardians and students")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TEXT = "text", _("short text")


class Poll(TenantModel):
    """One poll. Its recipients are fixed when it is published (``PollRecipient`` rows); it
    takes answers up to and including ``deadline`` (a school day, Europe/Warsaw)."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("asked"), max_length=10, choices=Audience.choices)
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        ClassGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    families = models.CharField(
        _("who of the class or group"), max_length=10, choices=Families.choices, blank=True
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    deadline = models.DateField(_("answers until"))
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [models.Index(fields=["school", "author"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return timezone.localdate() <= self.deadline


class PollQuestion(TenantModel):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class PollOption(TenantModel):
    question = models.ForeignKey(PollQuestion, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class PollRecipient(TenantModel):
    """A person asked, and whether they have answered (the only per-person trace of an
    anonymous answer)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="poll_recipient_once"),
        ]
        indexes = [models.Index(fields=["school", "user"])]

    def __str__(self) -> str:
        return f"{self.poll_id}:{self.user_id}"


class PollResponse(TenantModel):
    """One person's answers to one poll. ``user`` and ``updated_at`` only for named polls;
    the key is random so that the table's order says nothing about who answered when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "user"],
                condition=models.Q(user__isnull=False),
                name="poll_response_once_named",
            ),
        ]

    def __str__(self) -> str:
        return f"response to {self.poll_id}"


class PollAnswer(TenantModel):
    """One chosen option, or the text written, for one question of one response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(PollResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(PollQuestion, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(
        PollOption, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["school", "question", "option"])]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"
