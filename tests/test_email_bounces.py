"""Bounced addresses: a user whose address bounced just gets no e-mail, and nothing breaks.

A bounce is learnt three ways: the SMTP server refuses the recipient (real aiosmtpd on
loopback answering 550), the operator's ``notifications_bounce`` command, or the school
administrator's form on the delivery log page (for bounces that reach the school's mailbox).
"""

from __future__ import annotations

import datetime
import io
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_scopes import scopes_disabled

from kajet.accounts.models import User
from kajet.core.models import HistoryEntry
from kajet.notifications.models import ChannelDelivery, NotificationProfile
from kajet.notifications.services import email_address_confirm, notify
from kajet.notifications.tasks import sweep
from kajet.testutils.smtp import SmtpSink

pytestmark = pytest.mark.django_db
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
NOON = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=WARSAW)
Status = ChannelDelivery.Status
LOG = reverse("notifications:delivery_log")
BOUNCE = reverse("notifications:email_bounce")


def confirm(user: User, email: str) -> None:
    User.objects.filter(pk=user.pk).update(email=email)
    user.email = email
    NotificationProfile.objects.update_or_create(
        user=user, defaults={"school_id": user.school_id, "verified_email": email}
    )


def bounced(user: User) -> bool:
    with scopes_disabled():
        return NotificationProfile.objects.get(user=user).email_bounced


def send_message(world: Any, user: User, title: str, commit: Any) -> None:
    with commit(execute=True):
        notify(school=world.school, user_ids=[user.pk], kind="message", title=title, url="/")


def test_a_refused_recipient_is_marked_bounced_and_gets_no_more_email(
    world: Any, smtp_server: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    guardian, other = world.user("guardian"), world.user("teacher")
    confirm(guardian, "Nieznany@example.org")
    confirm(other, "nauczyciel@example.org")
    smtp_server.refuse = {"nieznany@example.org"}
    with time_machine.travel(NOON, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            notify(school=world.school, user_ids=[guardian.pk, other.pk], kind="message", title="1")
        refused = ChannelDelivery.objects.get(user=guardian)
        assert refused.status == Status.FAILED and "refused" in refused.reason
        assert bounced(guardian)
        clock.shift(datetime.timedelta(hours=2))
        sweep()  # a refused address is not retried
        send_message(world, guardian, "2", django_capture_on_commit_callbacks)
    assert [m.rcpt_tos for m in smtp_server.received] == [["nauczyciel@example.org"]]
    assert ChannelDelivery.objects.filter(user=guardian).count() == 1  # no row for "2"
    refused.refresh_from_db()
    assert refused.attempts == 1
    # Confirming the address again (the link the user asks for) lifts the stop.
    assert email_address_confirm(user_id=guardian.pk, email="Nieznany@example.org")
    assert not bounced(guardian)


def test_a_digest_to_a_bounced_address_is_skipped_not_retried(
    world: Any, smtp_server: SmtpSink, django_capture_on_commit_callbacks: Any
) -> None:
    from kajet.testutils.factories import UserFactory

    guardian = world.user("guardian")
    parent2: Any = UserFactory(school=world.school, kind="guardian")
    confirm(guardian, "rodzic@example.org")
    confirm(parent2, "drugi@example.org")
    NotificationProfile.objects.filter(user__in=[guardian, parent2]).update(digest_hour=18)
    with time_machine.travel(NOON, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            notify(
                school=world.school,
                user_ids=[guardian.pk, parent2.pk],
                kind="homework",
                title="Zadanie",
            )
        assert set(ChannelDelivery.objects.values_list("status", flat=True)) == {Status.DIGEST}
        # One address bounced after planning (the operator learnt it), the other is refused
        # by the server when the digest goes out.
        call_command("notifications_bounce", "RODZIC@example.org", stdout=io.StringIO())
        smtp_server.refuse = {"drugi@example.org"}
        clock.move_to(NOON.replace(hour=18))
        sweep()
        clock.shift(datetime.timedelta(days=1))
        sweep()  # neither is tried again the next day
    assert smtp_server.received == []
    assert set(ChannelDelivery.objects.values_list("status", flat=True)) == {Status.SKIPPED}
    assert bounced(guardian) and bounced(parent2)


def test_the_command_marks_every_school_and_refuses_a_bad_file(
    world: Any, other_world: Any, tmp_path: Any
) -> None:
    here, there = world.user("guardian"), other_world.user("guardian")
    confirm(here, "wspolny@example.org")
    confirm(there, "Wspolny@Example.org")
    confirm(world.user("teacher"), "nauczyciel@example.org")
    bad = tmp_path / "bounces.txt"
    bad.write_text("wspolny@example.org\nto nie jest adres\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Not e-mail addresses"):
        call_command("notifications_bounce", "--file", str(bad))
    assert not bounced(here) and not bounced(there)
    good = tmp_path / "ok.txt"
    good.write_text("wspolny@example.org\n", encoding="utf-8")
    out = io.StringIO()
    call_command("notifications_bounce", "--file", str(good), stdout=out)
    assert out.getvalue().startswith("2 user(s)")
    assert bounced(here) and bounced(there) and not bounced(world.user("teacher"))
    with scopes_disabled():
        entries = HistoryEntry.objects.filter(code="notifications.email.bounced")
        assert {e.object_id for e in entries} == {here.pk, there.pk}
        assert all("example.org" not in str(e.new) for e in entries)


def test_the_administrator_records_a_bounce_for_the_own_school_only(
    world: Any, other_world: Any, client_for: Any
) -> None:
    here, there = world.user("guardian"), other_world.user("guardian")
    confirm(here, "wspolny@example.org")
    confirm(there, "wspolny@example.org")
    client = client_for(world.user("school_admin"))
    response = client.post(BOUNCE, {"email": "wspolny@example.org"})
    assert response.status_code == 302
    assert bounced(here) and not bounced(there)
    listed = client.get(LOG).context["bounced"]
    assert [p.user for p in listed] == [here]
    entry = HistoryEntry.objects.get(code="notifications.email.bounced")
    assert entry.actor == world.user("school_admin")


def test_a_bad_address_in_the_form_changes_nothing(
    world: Any, client_for: Any, settings: Any
) -> None:
    confirm(world.user("guardian"), "rodzic@example.org")
    client = client_for(world.user("school_admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    response = client.post(BOUNCE, {"email": "rodzic@"})
    assert response.status_code == 400
    assert "Podaj poprawny adres e-mail" in response.content.decode()
    assert not bounced(world.user("guardian"))


@pytest.mark.parametrize("role", ["principal", "secretariat", "guardian", "teacher"])
def test_only_the_administrator_records_a_bounce(world: Any, client_for: Any, role: str) -> None:
    confirm(world.user("guardian"), "rodzic@example.org")
    response = client_for(world.user(role)).post(BOUNCE, {"email": "rodzic@example.org"})
    assert response.status_code == 404
    assert not bounced(world.user("guardian"))


def test_delivery_log_with_bounces_keeps_its_query_count(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    from kajet.testutils.factories import UserFactory

    client = client_for(world.user("school_admin"))
    client.get(LOG)
    with django_assert_max_num_queries(30) as few:
        client.get(LOG)
    for i in range(15):
        user: Any = UserFactory(school=world.school, kind="guardian")
        confirm(user, f"p{i}@example.org")
        NotificationProfile.objects.filter(user=user).update(email_bounced=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LOG).content.decode()
    assert page.count("<li>") >= 15
