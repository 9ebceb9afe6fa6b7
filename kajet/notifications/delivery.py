"""Carrying notifications out of the app: planning, claiming, sending, retrying.

1. ``deliveries_plan`` turns a batch of new notifications into ``ChannelDelivery`` rows (one
   per notification and channel at most — a unique constraint — using each user's
   preferences, quiet hours and the school's settings), with a fixed number of queries per
   batch however many users it holds.
2. ``deliveries_send`` claims due rows with one UPDATE that only pending rows match, so two
   workers never send the same row. The claim is a lease (``KAJET_DELIVERY_LEASE_SECONDS``):
   the worker renews it on each row just before sending that row, and a row whose renewal
   finds the claim gone (the lease ran out and another worker took it) is not sent.
3. A worker killed mid-batch leaves its rows ``sending``; once their lease has run out the
   sweep (``release_stale``) puts them back to pending, so the rest of the batch is sent after
   the restart. Only the one message that was being handed to the mail server when the worker
   died can have reached it without being marked sent; it is sent again with the same
   ``Message-ID`` (mail systems drop a repeated one). ADR 7, addendum.
4. A failed send is retried with backoff (1, 4, 16, 64 minutes) and marked failed after the
   fifth attempt; the school administrator sees it on the delivery log page.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kajet.accounts.models import User
from kajet.core.mail import RenderedEmail, render_email
from kajet.notifications import rules
from kajet.notifications.links import absolute, preferences_link
from kajet.notifications.models import (
    Channel,
    ChannelDelivery,
    Notification,
    NotificationPreference,
    NotificationProfile,
    PushSubscription,
    SchoolNotificationSettings,
)
from kajet.notifications.push import PushNotConfigured, push_configured, push_send
from kajet.portal.extras import users_without_extra

logger = logging.getLogger(__name__)
Status = ChannelDelivery.Status
SEND_BATCH = 100
#: Digest rows carry claims with this prefix: a stale one goes back to the digest.
DIGEST_CLAIM = "digest-"


def lease() -> datetime.timedelta:
    """How long a claim holds without renewal (longer than one message can take to send)."""
    return datetime.timedelta(seconds=settings.KAJET_DELIVERY_LEASE_SECONDS)


# --- planning ---------------------------------------------------------------------------------


def school_rules(school_ids: Iterable[int]) -> dict[int, rules.School]:
    """Each school's channel settings (defaults where it has none)."""
    ids = set(school_ids)
    found = {
        s.school_id: rules.School(s.email_enabled, s.push_enabled, s.student_email_allowed)
        for s in SchoolNotificationSettings.objects.filter(school_id__in=ids)
    }
    return {sid: found.get(sid, rules.School()) for sid in ids}


def recipients_for(user_ids: Sequence[int]) -> dict[int, rules.Recipient]:
    """What the planner needs about each user: four queries for any number of users (three
    more when an operator's extras plan makes push an extra: kajet.portal.extras)."""
    profiles = {p.user_id: p for p in NotificationProfile.objects.filter(user_id__in=user_ids)}
    with_push = set(
        PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )
    with_push -= users_without_extra("push", with_push)
    default = NotificationProfile()
    found: dict[int, rules.Recipient] = {}
    for uid, kind, email in User.objects.filter(pk__in=user_ids).values_list("pk", "kind", "email"):
        profile = profiles.get(uid, default)
        found[uid] = rules.Recipient(
            user_kind=kind if kind in ("guardian", "student") else "staff",
            email=email,
            verified_email=profile.verified_email,
            email_bounced=profile.email_bounced,
            has_push_device=uid in with_push,
            quiet_from=profile.quiet_from,
            quiet_until=profile.quiet_until,
        )
    return found


def preferences_for(user_ids: Sequence[int]) -> dict[tuple[int, str], tuple[str, bool]]:
    return {
        (p.user_id, p.kind): (p.email, p.push)
        for p in NotificationPreference.objects.filter(user_id__in=user_ids)
    }


@dataclass(frozen=True)
class Batch:
    """Everything the planner read for one batch of notifications."""

    recipients: dict[int, rules.Recipient]
    preferences: dict[tuple[int, str], tuple[str, bool]]
    schools: dict[int, rules.School]
    now: datetime.datetime


def plan_one(notification: Notification, batch: Batch) -> list[ChannelDelivery]:
    recipient = batch.recipients.get(notification.user_id)
    if recipient is None:
        return []
    mode, push = batch.preferences.get(
        (notification.user_id, notification.kind),
        rules.default_preference(user_kind=recipient.user_kind, kind=notification.kind),
    )
    school = batch.schools[notification.school_id]
    urgent = notification.urgent
    plans = {
        Channel.EMAIL: rules.plan_email(
            mode=mode, recipient=recipient, school=school, now=batch.now, urgent=urgent
        ),
        Channel.PUSH: rules.plan_push(
            push=push, recipient=recipient, school=school, now=batch.now, urgent=urgent
        ),
    }
    return [
        ChannelDelivery(
            school_id=notification.school_id,
            notification_id=notification.pk,
            user_id=notification.user_id,
            channel=channel,
            status=plan.status,
            send_after=plan.send_after or batch.now,
        )
        for channel, plan in plans.items()
        if plan.status is not None
    ]


def deliveries_plan(*, notification_ids: Sequence[int]) -> list[int]:
    """Create the delivery rows of these notifications (again: nothing new) and return the
    ids of those due now. Six queries for any batch."""
    notifications = list(
        Notification.objects.filter(pk__in=notification_ids).only(
            "pk", "school_id", "user_id", "kind", "urgent"
        )
    )
    if not notifications:
        return []
    user_ids = sorted({n.user_id for n in notifications})
    now = timezone.localtime()
    batch = Batch(
        recipients=recipients_for(user_ids),
        preferences=preferences_for(user_ids),
        schools=school_rules(n.school_id for n in notifications),
        now=now,
    )
    rows = [row for n in notifications for row in plan_one(n, batch)]
    ChannelDelivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return list(
        ChannelDelivery.objects.filter(
            notification_id__in=notification_ids, status=Status.PENDING, send_after__lte=now
        ).values_list("pk", flat=True)
    )


# --- claiming and sending ---------------------------------------------------------------------


def claim(ids: Sequence[int]) -> list[ChannelDelivery]:
    """Take the due pending rows among ``ids`` for this worker alone (one UPDATE; a row
    another worker claimed first is not pending any more and is not matched)."""
    token = uuid.uuid4().hex
    now = timezone.now()
    ChannelDelivery.objects.filter(
        pk__in=list(ids), status=Status.PENDING, send_after__lte=now
    ).update(status=Status.SENDING, claim=token, claimed_at=now)
    return list(
        ChannelDelivery.objects.filter(claim=token, status=Status.SENDING)
        .select_related("notification", "user")
        .order_by("pk")
    )


def renew(row: ChannelDelivery) -> bool:
    """Renew this row's lease just before sending it; False when the claim is gone (its lease
    ran out and the sweep released it), and then this worker must not send it."""
    return bool(
        ChannelDelivery.objects.filter(pk=row.pk, claim=row.claim, status=Status.SENDING).update(
            claimed_at=timezone.now()
        )
    )


def mark_sent(row: ChannelDelivery) -> None:
    row.status, row.sent_at, row.reason = Status.SENT, timezone.now(), ""
    row.attempts += 1
    row.save(update_fields=["status", "sent_at", "reason", "attempts"])


def mark_failed(row: ChannelDelivery, reason: str, *, retry: bool = True) -> None:
    """Record a failed attempt: back to pending with backoff, or failed after the last."""
    row.attempts += 1
    row.reason = reason[:300]
    if retry and row.attempts < rules.MAX_ATTEMPTS:
        row.status = Status.PENDING
        row.send_after = timezone.now() + rules.retry_delay(row.attempts)
    else:
        row.status = Status.FAILED
    row.claim = ""
    row.save(update_fields=["attempts", "reason", "status", "send_after", "claim"])


def mark_skipped(row: ChannelDelivery, reason: str) -> None:
    row.status, row.reason = Status.SKIPPED, reason[:300]
    row.save(update_fields=["status", "reason"])


def profiles_of(rows: Sequence[ChannelDelivery]) -> dict[int, NotificationProfile]:
    ids = {r.user_id for r in rows}
    return {p.user_id: p for p in NotificationProfile.objects.filter(user_id__in=ids)}


def deliveries_send(*, ids: Sequence[int]) -> int:
    """Send the due rows among ``ids``; returns how many were sent."""
    rows = claim(ids)
    emails = [r for r in rows if r.channel == Channel.EMAIL]
    pushes = [r for r in rows if r.channel == Channel.PUSH]
    return send_emails(emails) + send_pushes(pushes)


# --- e-mail -----------------------------------------------------------------------------------


def notification_email(row: ChannelDelivery, profile: NotificationProfile | None) -> RenderedEmail:
    notification, user = row.notification, row.user
    language = profile.language if profile else "pl"
    unsubscribe = preferences_link(user_id=user.pk, kind=notification.kind)
    with translation.override(language):
        kind_label = str(notification.get_kind_display())
    return render_email(
        to=user.email,
        template="notifications/email/notification",
        context={
            "name": user.first_name,
            "title": notification.title,
            "kind": kind_label,
            "link": absolute(notification.url) if notification.url else absolute("/"),
            "preferences_link": unsubscribe,
        },
        language=language,
        headers=unsubscribe_headers(unsubscribe),
    )


def unsubscribe_headers(link: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058: mail programs offer a one-click unsubscribe (a POST to ``link``)."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def still_reachable(row: ChannelDelivery, profile: NotificationProfile | None) -> bool:
    """The address is still the confirmed one and has not bounced since planning."""
    email = row.user.email
    return (
        bool(email)
        and profile is not None
        and profile.verified_email == email
        and not (profile.email_bounced)
    )


def send_emails(rows: Sequence[ChannelDelivery]) -> int:
    if not rows:
        return 0
    profiles = profiles_of(rows)
    connection = get_connection()
    try:
        connection.open()
    except OSError as error:
        for row in rows:
            mark_failed(row, _("E-mail could not be sent: %(e)s") % {"e": error})
        return 0
    try:
        return sum(send_one_email(row, profiles.get(row.user_id), connection) for row in rows)
    finally:
        connection.close()


def send_one_email(
    row: ChannelDelivery, profile: NotificationProfile | None, connection: object
) -> int:
    if not still_reachable(row, profile):
        mark_skipped(row, _("No confirmed e-mail address."))
        return 0
    if not renew(row):
        return 0
    try:
        email = notification_email(row, profile)
        email.headers["Message-ID"] = message_id(row)
        email.build(connection=connection).send()
    except smtplib.SMTPRecipientsRefused as error:
        email_bounced(row.user_id)
        mark_failed(row, _("The address was refused: %(e)s") % {"e": error}, retry=False)
        return 0
    except OSError as error:  # smtplib's errors and connection failures
        mark_failed(row, _("E-mail could not be sent: %(e)s") % {"e": error})
        return 0
    mark_sent(row)
    return 1


def message_id(row: ChannelDelivery) -> str:
    """The same for every attempt of one delivery: a message sent again after a worker died
    while handing it over is recognisably the same message (RFC 5322 Message-ID)."""
    host = urlsplit(settings.KAJET_BASE_URL).hostname or "kajet.localhost"
    return f"<kajet.delivery.{row.pk}.{row.notification_id}@{host}>"


def email_bounced(user_id: int) -> None:
    """A refused address gets nothing more until the user confirms an address again."""
    NotificationProfile.objects.filter(user_id=user_id).update(email_bounced=True)


# --- push -------------------------------------------------------------------------------------

GENERIC_PUSH = {
    "grade": gettext_noop("New grade"),
    "message": gettext_noop("New message"),
    "absence": gettext_noop("Absence"),
    "excuse": gettext_noop("Excuse"),
    "change": gettext_noop("Timetable change"),
    "announcement": gettext_noop("New announcement"),
    "homework": gettext_noop("New homework"),
    "event": gettext_noop("Calendar event"),
    "remark": gettext_noop("New remark"),
}


def push_payload(notification: Notification, language: str) -> dict[str, str]:
    """What a lock screen may show: the caller's safe text or a generic one per kind, never
    the title (which may hold a mark or an excuse's reason)."""
    with translation.override(language):
        text = notification.push_text or _(GENERIC_PUSH.get(notification.kind, "Kajet"))
        return {"title": "Kajet", "body": str(text), "url": notification.url or "/"}


def send_pushes(rows: Sequence[ChannelDelivery]) -> int:
    if not rows:
        return 0
    if not push_configured():
        for row in rows:
            mark_failed(row, _("Push is not configured (no VAPID key)."), retry=False)
        return 0
    subscriptions: dict[int, list[PushSubscription]] = {}
    for sub in PushSubscription.objects.filter(user_id__in={r.user_id for r in rows}):
        subscriptions.setdefault(sub.user_id, []).append(sub)
    profiles = profiles_of(rows)
    sent = 0
    for row in rows:
        if not renew(row):
            continue
        profile = profiles.get(row.user_id)
        payload = push_payload(row.notification, profile.language if profile else "pl")
        sent += send_one_push(row, subscriptions.get(row.user_id, []), payload)
    return sent


def send_one_push(
    row: ChannelDelivery, subscriptions: list[PushSubscription], payload: dict[str, str]
) -> int:
    """Send to every device of the user; sent when at least one took it. Devices the push
    service no longer knows (404/410) are removed."""
    errors: list[str] = []
    delivered = False
    for sub in subscriptions:
        try:
            result = push_send(
                endpoint=sub.endpoint, p256dh=sub.p256dh, auth=sub.auth, payload=payload
            )
        except PushNotConfigured:
            result = None
        if result is None or not result.ok:
            errors.append(result.error if result else "no VAPID key")
            if result is not None and result.gone:
                sub.delete()
            continue
        delivered = True
        PushSubscription.objects.filter(pk=sub.pk).update(last_sent_at=timezone.now())
    return finish_push(row, delivered, errors, bool(subscriptions))


def finish_push(row: ChannelDelivery, delivered: bool, errors: list[str], had_devices: bool) -> int:
    if delivered:
        mark_sent(row)
        return 1
    if not had_devices:
        mark_skipped(row, _("No device receives push notifications."))
        return 0
    still = PushSubscription.objects.filter(user_id=row.user_id).exists()
    mark_failed(row, "; ".join(errors), retry=still)
    return 0


# --- the sweep --------------------------------------------------------------------------------


def release_stale(now: datetime.datetime) -> int:
    """Rows whose lease ran out (their worker died or hung): pending again, counted as an
    attempt; failed after the last attempt, so a message that kills its worker every time
    stops being tried. Digest rows are failed, not retried: a digest batch marks its rows sent
    only at its end, so some of them may have gone out. Returns how many rows it changed."""
    stale = ChannelDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease())
    digest = stale.filter(claim__startswith=DIGEST_CLAIM).update(
        status=Status.FAILED,
        claim="",
        reason="The worker stopped while sending the digest; not sent again.",
    )
    reason = "The worker stopped while sending; sent again."
    given_up = stale.filter(attempts__gte=rules.MAX_ATTEMPTS - 1).update(
        status=Status.FAILED, claim="", attempts=F("attempts") + 1, reason=reason
    )
    again = stale.update(
        status=Status.PENDING, claim="", send_after=now, attempts=F("attempts") + 1, reason=reason
    )
    return int(given_up + digest + again)


def due_ids(now: datetime.datetime, limit: int = 5000) -> list[int]:
    return list(
        ChannelDelivery.objects.filter(status=Status.PENDING, send_after__lte=now)
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def chunks(ids: Sequence[int], size: int = SEND_BATCH) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def pending_query() -> Q:
    return Q(status__in=[Status.PENDING, Status.DIGEST, Status.SENDING])
