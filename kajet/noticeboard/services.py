"""Writes to the notice board: publish, edit, delete (soft), and record a read."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.core.versions import home_changed
from kajet.noticeboard.access import can, classes_taught_by
from kajet.noticeboard.models import Announcement, AnnouncementRead
from kajet.noticeboard.selectors import audience_users
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.school.models import SchoolClass


def _validate(
    *,
    actor: User,
    title: str,
    body: str,
    audience: str,
    classes: Sequence[SchoolClass],
    shown_from: datetime.date,
    shown_until: datetime.date | None,
    urgent: bool = False,
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Enter a title.")
    if not body.strip():
        errors["body"] = _("Enter the text.")
    if audience not in Announcement.Audience.values:
        errors["audience"] = _("Choose who the announcement is for.")
    if shown_until is not None and shown_until < shown_from:
        errors["shown_until"] = _("The end date cannot be before the start date.")
    if audience == Announcement.Audience.CLASSES and not classes:
        errors["classes"] = _("Choose at least one class.")
    if urgent and not can(actor, "announcement.urgent"):
        errors["urgent"] = _("Only the principal may flag an announcement urgent.")
    if not can(actor, "announcement.any_audience"):
        # Teachers write to the classes they teach or tutor, and to nobody else.
        if audience != Announcement.Audience.CLASSES:
            errors["audience"] = _("You can write only to the classes you teach.")
        allowed = set(classes_taught_by(actor).values_list("pk", flat=True))
        if any(c.pk not in allowed for c in classes):
            errors["classes"] = _("You can write only to the classes you teach.")
    if errors:
        raise ValidationError(errors)


def _snapshot(a: Announcement, class_ids: list[int]) -> dict[str, object]:
    return {
        "title": a.title,
        "body": a.body,
        "audience": a.audience,
        "classes": class_ids,
        "shown_from": a.shown_from.isoformat(),
        "shown_until": a.shown_until.isoformat() if a.shown_until else None,
        "pinned": a.pinned,
        "urgent": a.urgent,
    }


@transaction.atomic
def announcement_create(
    *,
    actor: User,
    title: str,
    body: str,
    audience: str,
    classes: Sequence[SchoolClass] = (),
    shown_from: datetime.date,
    shown_until: datetime.date | None = None,
    pinned: bool = False,
    urgent: bool = False,
    notify_audience: bool = True,
) -> Announcement:
    """Publish an announcement. When it is shown already, its audience is notified; an
    ``urgent`` one (the principal's flag) passes quiet hours and the daily digest."""
    home_changed(actor.school_pk)  # the home page caches what this changes
    _validate(
        actor=actor,
        title=title,
        body=body,
        audience=audience,
        classes=classes,
        shown_from=shown_from,
        shown_until=shown_until,
        urgent=urgent,
    )
    if audience != Announcement.Audience.CLASSES:
        classes = ()
    announcement = Announcement.objects.create(
        school_id=actor.school_pk,
        author=actor,
        title=title.strip(),
        body=body.strip(),
        audience=audience,
        shown_from=shown_from,
        shown_until=shown_until,
        pinned=pinned,
        urgent=urgent,
    )
    announcement.classes.set(classes)
    class_ids = sorted(c.pk for c in classes)
    history_record(
        school=announcement.school,
        actor=actor,
        code="noticeboard.announcement.created",
        object_type="announcement",
        object_id=announcement.pk,
        new=_snapshot(announcement, class_ids),
    )
    if notify_audience and shown_from <= timezone.localdate():
        notify(
            school=actor.school_pk,
            user_ids=audience_users(announcement).exclude(pk=actor.pk).values_list("pk", flat=True),
            kind=Notification.Kind.ANNOUNCEMENT,
            title=announcement.title,
            url=reverse("noticeboard:detail", args=[announcement.pk]),
            urgent=urgent,
        )
    return announcement


@transaction.atomic
def announcement_update(
    *,
    actor: User,
    announcement: Announcement,
    title: str,
    body: str,
    audience: str,
    classes: Sequence[SchoolClass] = (),
    shown_from: datetime.date,
    shown_until: datetime.date | None = None,
    pinned: bool = False,
) -> Announcement:
    """Edit an announcement (its reads stay); old and new go to history."""
    home_changed(announcement.school_id)  # the home page caches what this changes
    _validate(
        actor=actor,
        title=title,
        body=body,
        audience=audience,
        classes=classes,
        shown_from=shown_from,
        shown_until=shown_until,
    )
    if audience != Announcement.Audience.CLASSES:
        classes = ()
    old = _snapshot(announcement, sorted(announcement.classes.values_list("pk", flat=True)))
    announcement.title = title.strip()
    announcement.body = body.strip()
    announcement.audience = audience
    announcement.shown_from = shown_from
    announcement.shown_until = shown_until
    announcement.pinned = pinned
    announcement.save()
    announcement.classes.set(classes)
    history_record(
        school=announcement.school,
        actor=actor,
        code="noticeboard.announcement.updated",
        object_type="announcement",
        object_id=announcement.pk,
        old=old,
        new=_snapshot(announcement, sorted(c.pk for c in classes)),
    )
    return announcement


@transaction.atomic
def announcement_delete(*, actor: User, announcement: Announcement) -> None:
    """Take an announcement off the board (soft delete; reads and history stay)."""
    home_changed(announcement.school_id)  # the home page caches what this changes
    announcement.deleted_at = timezone.now()
    announcement.save(update_fields=["deleted_at", "updated_at"])
    history_record(
        school=announcement.school,
        actor=actor,
        code="noticeboard.announcement.deleted",
        object_type="announcement",
        object_id=announcement.pk,
    )


def announcement_mark_read(*, user: User, announcement: Announcement) -> bool:
    """Record the first time ``user`` opened the announcement; later openings change nothing.
    Returns whether this was the first time."""
    if AnnouncementRead.objects.filter(announcement=announcement, user=user).exists():
        return False
    try:
        with transaction.atomic():
            AnnouncementRead.objects.create(
                school_id=announcement.school_id, announcement=announcement, user=user
            )
    except IntegrityError:  # a second tab opened it at the same moment
        return False
    return True
