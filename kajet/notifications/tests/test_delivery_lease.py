"""A worker killed mid-batch loses nothing and sends nothing twice (ADR 7, addendum).

The state a killed worker leaves is made with the pipeline's own functions (``claim`` takes a
batch, ``send_emails`` sends part of it, then the "worker" stops); the sweep then runs as Celery
beat runs it, with a real SMTP server on loopback. ``make prod-test`` does the same with a real
worker killed by SIGKILL.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest
import time_machine

from kajet.accounts.models import User
from kajet.notifications.delivery import (
    DIGEST_CLAIM,
    claim,
    deliveries_plan,
    lease,
    message_id,
    send_emails,
)
from kajet.notifications.models import ChannelDelivery, Notification, NotificationProfile
from kajet.notifications.tasks import sweep
from kajet.testutils.factories import UserFactory
from kajet.testutils.smtp import SmtpSink

pytestmark = pytest.mark.django_db
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
NOON = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=WARSAW)
Status = ChannelDelivery.Status


def guardians_with_mail(world: Any, count: int) -> list[User]:
    users = []
    for i in range(count):
        user = UserFactory(school=world.school, kind=User.Kind.GUARDIAN)
        address = f"rodzic{i}@example.org"
        User.objects.filter(pk=user.pk).update(email=address)
        NotificationProfile.objects.create(
            school=world.school, user=user, verified_email=address, language="pl"
        )
        users.append(user)
    return users


def planned(world: Any, users: list[User]) -> list[int]:
    ids = [
        Notification.objects.create(
            school=world.school, user=u, kind="message", title=f"Wiadomość {i}"
        ).pk
        for i, u in enumerate(users)
    ]
    return deliveries_plan(notification_ids=ids)


def message_ids(sink: SmtpSink) -> list[str]:
    return [str(got.message["Message-ID"]) for got in sink.received]


def test_a_killed_workers_batch_is_finished_after_the_lease_once_each(
    world: Any, smtp_server: SmtpSink
) -> None:
    users = guardians_with_mail(world, 5)
    with time_machine.travel(NOON, tick=False) as clock:
        due = planned(world, users)
        rows = claim(due)  # the worker took the batch of five
        assert send_emails(rows[:2]) == 2  # sent two, then was killed
        assert sorted(ChannelDelivery.objects.values_list("status", flat=True)) == [
            Status.SENDING,
            Status.SENDING,
            Status.SENDING,
            Status.SENT,
            Status.SENT,
        ]
        clock.shift(datetime.timedelta(seconds=30))
        assert sweep()["stale"] == 0  # within the lease: the worker may still be alive
        assert len(smtp_server.received) == 2
        clock.shift(lease())
        assert sweep()["stale"] == 3  # released, queued and sent (eager Celery in tests)
    assert set(ChannelDelivery.objects.values_list("status", flat=True)) == {Status.SENT}
    received = message_ids(smtp_server)
    assert len(received) == 5 and len(set(received)) == 5
    assert sorted(r for got in smtp_server.received for r in got.rcpt_tos) == sorted(
        u.email for u in User.objects.filter(pk__in=[u.pk for u in users])
    )
    assert ChannelDelivery.objects.filter(attempts=2).count() == 3  # the lost attempt counts


def test_a_hung_worker_that_wakes_after_its_lease_sends_nothing(
    world: Any, smtp_server: SmtpSink
) -> None:
    users = guardians_with_mail(world, 3)
    with time_machine.travel(NOON, tick=False) as clock:
        rows = claim(planned(world, users))  # this worker hangs before sending anything
        clock.shift(lease() + datetime.timedelta(seconds=1))
        assert sweep()["stale"] == 3  # another worker sends the batch
        assert len(smtp_server.received) == 3
        assert send_emails(rows) == 0  # the hung one wakes: its claims are gone
    assert len(smtp_server.received) == 3
    assert set(ChannelDelivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_message_handed_over_but_not_marked_goes_again_with_the_same_message_id(
    world: Any, smtp_server: SmtpSink
) -> None:
    # The one ambiguous case: the mail server took the message and the worker died before it
    # wrote "sent". It is sent again, recognisably the same message.
    from django.core.mail import get_connection

    from kajet.notifications.delivery import notification_email

    [user] = guardians_with_mail(world, 1)
    with time_machine.travel(NOON, tick=False) as clock:
        [row] = claim(planned(world, [user]))
        email = notification_email(row, NotificationProfile.objects.get(user=user))
        email.headers["Message-ID"] = message_id(row)
        email.build(connection=get_connection()).send()
        clock.shift(lease() + datetime.timedelta(seconds=1))
        sweep()
    assert message_ids(smtp_server) == [message_id(row)] * 2
    assert ChannelDelivery.objects.get().status == Status.SENT


def test_a_row_that_kills_its_worker_every_time_is_given_up(
    world: Any, smtp_server: SmtpSink
) -> None:
    [user] = guardians_with_mail(world, 1)
    with time_machine.travel(NOON, tick=False) as clock:
        claim(planned(world, [user]))
        ChannelDelivery.objects.update(attempts=4)  # four earlier workers died on it
        clock.shift(lease() + datetime.timedelta(seconds=1))
        assert sweep()["stale"] == 1
    row = ChannelDelivery.objects.get()
    assert (row.status, row.attempts) == (Status.FAILED, 5)
    assert smtp_server.received == []


def test_digest_rows_of_a_dead_worker_are_failed_not_sent_again(
    world: Any, smtp_server: SmtpSink
) -> None:
    # A digest batch writes "sent" at its end: some of its digests may have gone out.
    [user] = guardians_with_mail(world, 1)
    notification = Notification.objects.create(
        school=world.school, user=user, kind="grade", title="5"
    )
    with time_machine.travel(NOON, tick=False) as clock:
        ChannelDelivery.objects.create(
            school=world.school,
            notification=notification,
            user=user,
            channel="email",
            status=Status.SENDING,
            claim=DIGEST_CLAIM + "dead",
            claimed_at=NOON,
        )
        clock.shift(lease() + datetime.timedelta(seconds=1))
        assert sweep()["stale"] == 1
    row = ChannelDelivery.objects.get()
    assert row.status == Status.FAILED and "digest" in row.reason
    assert smtp_server.received == []


def test_the_lease_comes_from_the_settings(settings: Any) -> None:
    settings.KAJET_DELIVERY_LEASE_SECONDS = 7
    assert lease() == datetime.timedelta(seconds=7)
