"""The daily digest: one e-mail per user at the hour they chose, listing what waited for it.

Built per batch of users with a fixed number of queries (candidates, profiles, one claiming
UPDATE, the claimed rows with their notifications and users), then one message per user.
"""

from __future__ import annotations

import datetime
import smtplib
import uuid
from collections.abc import Sequence

from django.core.mail import get_connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kajet.core.mail import RenderedEmail, render_email
from kajet.notifications import rules
from kajet.notifications.delivery import (
    DIGEST_CLAIM,
    email_bounced,
    still_reachable,
    unsubscribe_headers,
)
from kajet.notifications.links import absolute, preferences_link
from kajet.notifications.models import Channel, ChannelDelivery, NotificationProfile

Status = ChannelDelivery.Status
BATCH = 200


def digest_candidates() -> list[int]:
    return sorted(
        set(
            ChannelDelivery.objects.filter(status=Status.DIGEST, channel=Channel.EMAIL).values_list(
                "user_id", flat=True
            )
        )
    )


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """Send every digest due at ``now`` (local time); returns how many e-mails went out."""
    local = timezone.localtime(now)
    users = digest_candidates()
    return sum(digest_batch(users[i : i + BATCH], local) for i in range(0, len(users), BATCH))


def digest_batch(user_ids: Sequence[int], now: datetime.datetime) -> int:
    profiles = {
        p.user_id: p
        for p in NotificationProfile.objects.filter(user_id__in=user_ids)
        if rules.digest_due(now=now, digest_hour=p.digest_hour, last_digest_on=p.last_digest_on)
    }
    if not profiles:
        return 0
    token = DIGEST_CLAIM + uuid.uuid4().hex[: 32 - len(DIGEST_CLAIM)]
    ChannelDelivery.objects.filter(
        user_id__in=list(profiles), status=Status.DIGEST, channel=Channel.EMAIL
    ).update(status=Status.SENDING, claim=token, claimed_at=timezone.now())
    rows = list(
        ChannelDelivery.objects.filter(claim=token)
        .select_related("notification", "user")
        .order_by("user_id", "notification__created_at")
    )
    by_user: dict[int, list[ChannelDelivery]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row)
    return send_digests(by_user, profiles, token, now)


def send_digests(
    by_user: dict[int, list[ChannelDelivery]],
    profiles: dict[int, NotificationProfile],
    token: str,
    now: datetime.datetime,
) -> int:
    sent: list[int] = []
    failed: list[int] = []
    # An address changed (not confirmed yet) or bounced since the rows were planned.
    unreachable = [
        uid for uid, rows in by_user.items() if not still_reachable(rows[0], profiles[uid])
    ]
    connection = get_connection()
    try:
        connection.open()
        for user_id, rows in by_user.items():
            if user_id in unreachable:
                continue
            try:
                digest_email(rows, profiles[user_id]).build(connection=connection).send()
            except smtplib.SMTPRecipientsRefused:
                email_bounced(user_id)
                unreachable.append(user_id)
                continue
            except OSError:
                failed.append(user_id)
                continue
            sent.append(user_id)
    except OSError:  # the SMTP server is away: every digest waits for the next run
        failed = [uid for uid in by_user if uid not in sent and uid not in unreachable]
    finally:
        connection.close()
    finish_digests(token, sent, failed, now, unreachable=unreachable)
    return len(sent)


def finish_digests(
    token: str,
    sent: list[int],
    failed: list[int],
    now: datetime.datetime,
    *,
    unreachable: Sequence[int] = (),
) -> None:
    claimed = ChannelDelivery.objects.filter(claim=token)
    claimed.filter(user_id__in=sent).update(
        status=Status.SENT, sent_at=timezone.now(), claim="", attempts=1
    )
    # A digest that could not go out waits for the next run (nothing of it was sent).
    claimed.filter(user_id__in=failed).update(status=Status.DIGEST, claim="")
    # One that never can (no confirmed address, or it bounced) is not tried again.
    claimed.filter(user_id__in=list(unreachable)).update(
        status=Status.SKIPPED,
        claim="",
        reason=_("No confirmed e-mail address, or the address bounced."),
    )
    NotificationProfile.objects.filter(user_id__in=sent).update(last_digest_on=now.date())


def digest_email(rows: Sequence[ChannelDelivery], profile: NotificationProfile) -> RenderedEmail:
    user = rows[0].user
    with translation.override(profile.language):
        items = [
            {
                "kind": str(r.notification.get_kind_display()),
                "title": r.notification.title,
                "link": absolute(r.notification.url or "/"),
                "at": timezone.localtime(r.notification.created_at),
            }
            for r in rows
        ]
    link = preferences_link(user_id=user.pk)
    return render_email(
        to=user.email,
        template="notifications/email/digest",
        context={"name": user.first_name, "items": items, "preferences_link": link},
        language=profile.language,
        headers=unsubscribe_headers(link),
    )
