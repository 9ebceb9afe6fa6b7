"""Push as an extra of the operator's plan: a family login gets push only through a Kajet
account whose extras are on; the preferences page says why not; staff are never affected;
without a plan everything is free (the rest of the suite runs without one)."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from kajet.accounts.models import User
from kajet.notifications.models import ChannelDelivery
from kajet.notifications.services import notify, push_subscription_add
from kajet.portal.extras import extras_activate, extras_codes_issue
from kajet.portal.models import LoginLink, PortalAccount
from kajet.portal.services import portal_account_activate
from kajet.testutils.push import PushService, subscriber

pytestmark = pytest.mark.django_db
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
START = datetime.datetime(2026, 12, 1, 12, tzinfo=WARSAW)
IN_TRIAL = datetime.datetime(2026, 12, 20, 12, tzinfo=WARSAW)
AFTER = datetime.datetime(2027, 1, 5, 12, tzinfo=WARSAW)


def family_account(user: User) -> PortalAccount:
    account = PortalAccount(email=f"{user.login}@example.pl", age_range="18+")
    account.set_password("Kajet-rodzic-2026")
    account.save()
    with time_machine.travel(START, tick=False):
        portal_account_activate(account=account)
    LoginLink.objects.create(account=account, user=user)
    account.refresh_from_db()
    return account


def pushed(world: Any, users: list[User], at: datetime.datetime, commit: Any) -> set[int]:
    ChannelDelivery.objects.all().delete()
    with time_machine.travel(at, tick=False), commit(execute=True):
        notify(school=world.school, user_ids=[u.pk for u in users], kind="message", title="x")
    return set(
        ChannelDelivery.objects.filter(channel="push", status="sent").values_list(
            "user_id", flat=True
        )
    )


def test_push_follows_the_accounts_extras(
    world: Any,
    push_service: PushService,
    vapid_key: str,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    guardian, student, teacher = (
        world.user("guardian"),
        world.user("student"),
        world.user("teacher"),
    )
    for user in (guardian, student, teacher):
        device = subscriber(push_service, name=user.login)
        push_subscription_add(actor=user, data=device.subscription())
    everyone = [guardian, student, teacher]
    commit = django_capture_on_commit_callbacks
    # No plan: everyone gets push.
    assert pushed(world, everyone, START, commit) == {guardian.pk, student.pk, teacher.pk}

    call_command("portal_extras", "--on", "--trial-days", "30", stdout=io.StringIO())
    account = family_account(guardian)  # the student's login is on no Kajet account
    assert pushed(world, everyone, IN_TRIAL, commit) == {guardian.pk, teacher.pk}
    assert pushed(world, everyone, AFTER, commit) == {teacher.pk}

    with time_machine.travel(AFTER, tick=False):
        notes = client_for(guardian).get(reverse("notifications:preferences")).context["notes"]
        assert any("trial ended on 31 December 2026" in n for n in notes)
        student_notes = client_for(student).get(reverse("notifications:preferences"))
        assert any("Kajet account whose extras are on" in n for n in student_notes.context["notes"])
        teacher_notes = client_for(teacher).get(reverse("notifications:preferences"))
        assert not any("extra" in n for n in teacher_notes.context["notes"])

    [code] = extras_codes_issue(count=1)
    extras_activate(account=account, code=code)
    assert pushed(world, everyone, AFTER, commit) == {guardian.pk, teacher.pk}


def test_planning_queries_do_not_grow_with_a_plan_on(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kajet.notifications.delivery import deliveries_plan
    from kajet.notifications.models import Notification
    from kajet.testutils.factories import UserFactory

    call_command("portal_extras", "--on", stdout=io.StringIO())

    def plan(n: int) -> int:
        users: list[Any] = [UserFactory(school=world.school, kind="guardian") for _ in range(n)]
        for user in users:
            push_subscription_add(
                actor=user,
                data={
                    "endpoint": f"https://push.example.org/{user.pk}",
                    "keys": {"p256dh": "B" * 87, "auth": "A" * 22},
                },
            )
            family_account(user)
        ids = [
            Notification.objects.create(school=world.school, user=u, kind="message", title="x").pk
            for u in users
        ]
        with time_machine.travel(IN_TRIAL, tick=False), CaptureQueriesContext(connection) as q:
            deliveries_plan(notification_ids=ids)
        return len(q)

    assert plan(2) == plan(12)
