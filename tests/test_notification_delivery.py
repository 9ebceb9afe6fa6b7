"""Notifications leaving Kajet, with real parts: e-mail through Django's SMTP backend to an
aiosmtpd server on loopback, Web Push to a loopback push service that decrypts the payload."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import User
from kajet.messaging.services import message_send
from kajet.notifications.models import (
    ChannelDelivery,
    NotificationPreference,
    NotificationProfile,
    PushSubscription,
)
from kajet.notifications.services import notify, push_subscription_add
from kajet.notifications.tasks import sweep
from kajet.testutils.push import PushService, subscriber
from kajet.testutils.smtp import SmtpSink

pytestmark = pytest.mark.django_db
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
NOON = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=WARSAW)
NIGHT = datetime.datetime(2026, 12, 1, 22, 30, tzinfo=WARSAW)
Status = ChannelDelivery.Status


def confirm(user: User, email: str, language: str = "pl") -> None:
    User.objects.filter(pk=user.pk).update(email=email)
    user.email = email
    NotificationProfile.objects.update_or_create(
        user=user,
        defaults={"school_id": user.school_id, "verified_email": email, "language": language},
    )


def path_of(link: str) -> str:
    return urlsplit(link).path


@pytest.mark.parametrize(("language", "hello"), [("pl", "Dzień dobry"), ("en", "Hello")])
def test_message_email_arrives_with_links_for_that_user_only(
    world: Any,
    other_world: Any,
    client_for: Any,
    smtp_server: SmtpSink,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    language: str,
    hello: str,
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Kajet <szkola@example.org>"
    settings.KAJET_BASE_URL = "https://dziennik.example.org"
    guardian, teacher = world.user("guardian"), world.user("teacher")
    confirm(guardian, "rodzic@example.org", language)
    with (
        time_machine.travel(NOON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = message_send(
            sender=teacher,
            recipients=[f"person:{guardian.pk}"],
            subject="Wycieczka",
            body="Szczegóły w załączniku.",
        )
    [got] = smtp_server.received
    assert got.rcpt_tos == ["rodzic@example.org"]
    assert got.message["From"] == "Kajet <szkola@example.org>"
    assert "Wycieczka" in got.message["Subject"]
    text, html = got.text(), got.html()
    assert hello in text and hello in html
    link = reverse("messaging:message", args=[message.pk])
    assert f"https://dziennik.example.org{link}" in text
    assert f'href="https://dziennik.example.org{link}"' in html
    with time_machine.travel(NOON, tick=False):
        assert client_for(guardian).get(link).status_code == 200
    assert client_for(other_world.user("guardian")).get(link).status_code == 404
    assert client_for(world.user("student")).get(link).status_code == 404
    # One click (RFC 8058) from the List-Unsubscribe header, no sign-in: message e-mail off.
    unsubscribe = str(got.message["List-Unsubscribe"]).strip().strip("<>")
    assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    response = Client().post(path_of(unsubscribe), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    pref = NotificationPreference.objects.get(user=guardian, kind="message")
    assert (pref.email, pref.push) == ("off", True)
    assert ChannelDelivery.objects.get(channel="email").status == Status.SENT


def test_no_confirmed_address_no_email(
    world: Any,
    smtp_server: SmtpSink,
    django_capture_on_commit_callbacks: Any,
) -> None:
    guardian = world.user("guardian")
    User.objects.filter(pk=guardian.pk).update(email="rodzic@example.org")
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        notify(school=world.school, user_ids=[guardian.pk], kind="message", title="x", url="/")
    assert smtp_server.received == []
    assert not ChannelDelivery.objects.exists()


def test_a_failing_smtp_server_is_retried_then_marked_failed(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    guardian = world.user("guardian")
    confirm(guardian, "rodzic@example.org")
    with time_machine.travel(NOON, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            notify(school=world.school, user_ids=[guardian.pk], kind="message", title="x")
        row = ChannelDelivery.objects.get()
        assert (row.status, row.attempts) == (Status.PENDING, 1)
        assert row.reason and row.send_after > NOON
        for minutes in (1, 4, 16, 64):
            clock.shift(datetime.timedelta(minutes=minutes))
            sweep()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 5)
    assert "could not be sent" in row.reason


def test_quiet_hours_hold_email_until_morning_unless_urgent(
    world: Any,
    smtp_server: SmtpSink,
    django_capture_on_commit_callbacks: Any,
) -> None:
    guardian = world.user("guardian")
    confirm(guardian, "rodzic@example.org")
    with time_machine.travel(NIGHT, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            notify(school=world.school, user_ids=[guardian.pk], kind="message", title="Nocna")
            notify(
                school=world.school,
                user_ids=[guardian.pk],
                kind="announcement",
                title="Szkoła zamknięta jutro",
                urgent=True,
            )
        assert [m.message["Subject"] for m in smtp_server.received] == ["Szkoła zamknięta jutro"]
        clock.move_to(datetime.datetime(2026, 12, 2, 6, 59, tzinfo=WARSAW))
        sweep()
        assert len(smtp_server.received) == 1
        clock.move_to(datetime.datetime(2026, 12, 2, 7, 0, tzinfo=WARSAW))
        sweep()
    assert [m.message["Subject"] for m in smtp_server.received][1:] == ["Nocna"]


def test_daily_digest_at_the_chosen_hour_once(
    world: Any,
    smtp_server: SmtpSink,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    guardian = world.user("guardian")
    confirm(guardian, "rodzic@example.org", "en")
    NotificationProfile.objects.filter(user=guardian).update(digest_hour=18)
    with time_machine.travel(NOON, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            for title in ("Homework A", "Homework B", "Homework C"):
                notify(school=world.school, user_ids=[guardian.pk], kind="homework", title=title)
        sweep()
        assert smtp_server.received == []
        clock.move_to(datetime.datetime(2026, 12, 1, 18, 0, tzinfo=WARSAW))
        sweep()
        clock.shift(datetime.timedelta(hours=1))
        sweep()  # not twice a day
    [digest] = smtp_server.received
    assert digest.message["Subject"] == "Kajet: 3 new notifications"
    assert all(t in digest.text() for t in ("Homework A", "Homework B", "Homework C"))
    assert digest.message["List-Unsubscribe"]
    assert set(ChannelDelivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_digest_queries_do_not_grow_with_users(
    world: Any,
    smtp_server: SmtpSink,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kajet.notifications.digest import digests_send
    from kajet.testutils.factories import UserFactory

    def run(n: int, day: int) -> int:
        users = [UserFactory(school=world.school, kind="guardian") for _ in range(n)]
        for i, user in enumerate(users):
            confirm(user, f"p{day}.{i}@example.org")
        with (
            time_machine.travel(NOON.replace(day=day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            notify(school=world.school, user_ids=[u.pk for u in users], kind="homework", title="x")
        with (
            time_machine.travel(NOON.replace(day=day, hour=18), tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            assert digests_send() == n
        return len(queries)

    assert run(3, 1) == run(12, 2)


def test_push_is_encrypted_generic_and_a_410_removes_the_device(
    world: Any,
    push_service: PushService,
    vapid_key: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    guardian = world.user("guardian")
    device = subscriber(push_service)
    push_subscription_add(actor=guardian, data=device.subscription(), user_agent="Firefox")
    with (
        time_machine.travel(NOON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(
            school=world.school,
            user_ids=[guardian.pk],
            kind="grade",
            title="New grade in Matematyka: 1",
            url="/oceny/",
        )
    [(headers, body)] = push_service.received
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    payload = device.decrypt(body)
    assert payload == {"title": "Kajet", "body": "Nowa ocena", "url": "/oceny/"}  # Polish default
    assert "1" not in payload["body"]  # the mark never reaches a lock screen
    assert ChannelDelivery.objects.get(channel="push").status == Status.SENT

    push_service.answer = 410
    with (
        time_machine.travel(NOON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(school=world.school, user_ids=[guardian.pk], kind="message", title="Hej")
    assert len(push_service.received) == 2
    assert not PushSubscription.objects.filter(user=guardian).exists()
    failed = ChannelDelivery.objects.get(channel="push", notification__kind="message")
    assert failed.status == Status.FAILED and "410" in failed.reason


def test_a_row_is_sent_once_even_if_claimed_twice(
    world: Any,
    smtp_server: SmtpSink,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from kajet.notifications.delivery import deliveries_plan, deliveries_send

    guardian = world.user("guardian")
    confirm(guardian, "rodzic@example.org")
    with time_machine.travel(NOON, tick=False):
        notify(school=world.school, user_ids=[guardian.pk], kind="message", title="Raz")
        with django_capture_on_commit_callbacks() as callbacks:
            pass
        from kajet.notifications.models import Notification

        ids = list(Notification.objects.values_list("pk", flat=True))
        if not ids:  # notify waits for the commit; write the rows as it would
            notify_now(world, guardian)
            ids = list(Notification.objects.values_list("pk", flat=True))
        due = deliveries_plan(notification_ids=ids)
        assert deliveries_plan(notification_ids=ids) == due  # planning again adds nothing
        assert ChannelDelivery.objects.count() == 1
        assert deliveries_send(ids=due) == 1
        assert deliveries_send(ids=due) == 0  # a second worker finds nothing to claim
    assert len(smtp_server.received) == 1
    assert callbacks == []


def notify_now(world: Any, user: User) -> None:
    from kajet.notifications.models import Notification

    Notification.objects.create(school=world.school, user=user, kind="message", title="Raz")


# A worker that died mid-send: kajet/notifications/tests/test_delivery_lease.py.


# --- the principal's urgent announcement --------------------------------------------------


def announcement_form(**extra: str) -> dict[str, str]:
    data = {
        "title": "Szkoła zamknięta jutro",
        "body": "Awaria ogrzewania: jutro nie ma lekcji.",
        "audience": "school",
        "shown_from": NIGHT.date().isoformat(),
        "shown_until": "",
    }
    data.update(extra)
    return data


def test_an_urgent_announcement_goes_out_at_night_past_the_digest(
    world: Any,
    client_for: Any,
    smtp_server: SmtpSink,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A guardian gets announcements in the daily digest and nothing at night; the principal's
    urgent flag sends this one by e-mail at once."""
    guardian, principal = world.user("guardian"), world.user("principal")
    confirm(guardian, "rodzic@example.org")
    client = client_for(principal)
    create = reverse("noticeboard:create")
    with time_machine.travel(NIGHT, tick=False):
        assert 'name="urgent"' in client.get(create).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(create, announcement_form(urgent="on")).status_code == 302
            assert client.post(create, announcement_form(title="Zwykłe")).status_code == 302
    assert [m.message["Subject"] for m in smtp_server.received] == ["Szkoła zamknięta jutro"]
    assert smtp_server.received[0].rcpt_tos == ["rodzic@example.org"]
    ordinary = ChannelDelivery.objects.get(notification__title="Zwykłe")
    assert ordinary.status == Status.DIGEST


@pytest.mark.parametrize("role", ["secretariat", "school_admin", "homeroom_teacher"])
def test_only_the_principal_flags_an_announcement_urgent(
    world: Any, client_for: Any, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    from kajet.noticeboard.models import Announcement

    client = client_for(world.user(role))
    create = reverse("noticeboard:create")
    assert 'name="urgent"' not in client.get(create).content.decode()
    extra = {"audience": "classes", "classes": str(world.school_class.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        # The field is not on the form: a crafted "urgent" is ignored, never honoured.
        assert client.post(create, announcement_form(urgent="on", **extra)).status_code == 302
    announcement = Announcement.objects.get()
    assert not announcement.urgent
    from kajet.notifications.models import Notification

    assert not Notification.objects.filter(urgent=True).exists()
