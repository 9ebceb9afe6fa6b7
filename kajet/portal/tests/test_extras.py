"""The extras plan with a trial (off by default): the trial at activation, the e-mail N days
before its end naming the day the basic version comes back (once, through a real SMTP server on
loopback), the extras off on that day, activation by a code — and, without a plan, nothing."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kajet.portal import rules
from kajet.portal.extras import extras_codes_issue, extras_for_account, users_without_extra
from kajet.portal.models import ExtrasCode, PortalAccount
from kajet.portal.services import portal_account_activate
from kajet.portal.tests.conftest import make_account, portal_client
from kajet.testutils.smtp import SmtpSink

pytestmark = pytest.mark.django_db
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
DAY1 = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=WARSAW)
D = datetime.date


@pytest.mark.parametrize(
    ("plan_on", "ends", "activated", "today", "state"),
    [
        (False, None, False, D(2027, 1, 1), rules.FREE),
        (False, D(2026, 12, 31), False, D(2027, 1, 5), rules.FREE),  # the plan ended
        (True, None, False, D(2027, 1, 1), rules.FREE),  # activated before the plan
        (True, D(2026, 12, 31), False, D(2026, 12, 30), rules.TRIAL),
        (True, D(2026, 12, 31), False, D(2026, 12, 31), rules.ENDED),  # off on the day
        (True, D(2026, 12, 31), True, D(2027, 3, 1), rules.ACTIVE),
    ],
)
def test_extras_state(plan_on: bool, ends: D | None, activated: bool, today: D, state: str) -> None:
    assert (
        rules.extras_state(plan_on=plan_on, trial_ends_on=ends, activated=activated, today=today)
        == state
    )


@pytest.mark.parametrize(
    ("today", "warned", "due"),
    [
        (D(2026, 12, 23), False, False),  # 8 days before
        (D(2026, 12, 24), False, True),  # 7 days before
        (D(2026, 12, 30), False, True),
        (D(2026, 12, 30), True, False),  # once
        (D(2026, 12, 31), False, False),  # the day itself: too late, the extras are off
    ],
)
def test_trial_warning_due(today: D, warned: bool, due: bool) -> None:
    assert (
        rules.trial_warning_due(
            today=today, trial_ends_on=D(2026, 12, 31), warn_days=7, warned=warned
        )
        is due
    )


def new_account(email: str = "nowy@example.pl") -> PortalAccount:
    account = make_account(email, activated=False)
    portal_account_activate(account=account)
    account.refresh_from_db()
    return account


def plan_on(trial_days: int = 30, warn_days: int = 7) -> None:
    call_command(
        "portal_extras",
        "--on",
        "--features",
        "push",
        "--trial-days",
        str(trial_days),
        "--warn-days",
        str(warn_days),
        stdout=io.StringIO(),
    )


# --- without a plan (the default) ------------------------------------------------------------


def test_without_a_plan_everything_is_free_and_nothing_is_shown(world: Any) -> None:
    with time_machine.travel(DAY1, tick=False):
        account = new_account()
    assert account.trial_ends_on is None
    assert extras_for_account(account).state == rules.FREE
    assert not extras_for_account(account).shown
    client = portal_client(account)
    home = client.get(reverse("portal:home")).content.decode()
    assert "Extras" not in home and reverse("portal:extras") not in home
    assert client.get(reverse("portal:extras")).status_code == 404
    assert users_without_extra("push", [world.user("guardian").pk]) == set()
    out = io.StringIO()
    call_command("portal_extras", "--send-warnings", stdout=out)
    assert "0 trial e-mail(s) sent" in out.getvalue()
    assert "no extras plan" in out.getvalue()


# --- with a plan -----------------------------------------------------------------------------


def test_trial_email_once_then_basic_version_on_the_day(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.KAJET_BASE_URL = "https://dziennik.example.org"
    plan_on()
    with time_machine.travel(DAY1, tick=False):
        account = new_account()
    assert account.trial_ends_on == D(2026, 12, 31)
    before_plan = make_account("stary@example.pl")  # activated earlier: never got a trial

    def warnings_on(day: D) -> None:
        with (
            time_machine.travel(datetime.datetime.combine(day, DAY1.timetz()), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("portal_extras", "--send-warnings", stdout=io.StringIO())

    warnings_on(D(2026, 12, 23))
    assert smtp_server.received == []
    warnings_on(D(2026, 12, 24))
    warnings_on(D(2026, 12, 25))  # once
    [message] = smtp_server.received
    assert message.rcpt_tos == ["nowy@example.pl"]
    assert "31 grudnia 2026" in message.message["Subject"]  # the day the basic version returns
    text = message.text()
    assert "31 grudnia 2026" in text and "https://dziennik.example.org/konto-kajet/dodatki/" in text

    with time_machine.travel(datetime.datetime(2026, 12, 30, 12, tzinfo=WARSAW), tick=False):
        assert extras_for_account(account).state == rules.TRIAL
        page = portal_client(account).get(reverse("portal:home")).content.decode()
        assert "trial" in page and "31 December 2026" in page
    with time_machine.travel(datetime.datetime(2026, 12, 31, 0, 5, tzinfo=WARSAW), tick=False):
        assert extras_for_account(account).state == rules.ENDED
        page = portal_client(account).get(reverse("portal:extras"))
        assert page.status_code == 200
        assert "ended on 31 December 2026" in page.content.decode()
        assert 'name="code"' in page.content.decode()
    assert extras_for_account(before_plan).state == rules.FREE


def test_an_activation_code_turns_the_extras_on_once(settings: Any) -> None:
    plan_on()
    with time_machine.travel(DAY1, tick=False):
        account, other = new_account(), new_account("drugi@example.pl")
    [code] = extras_codes_issue(count=1)
    assert not ExtrasCode.objects.filter(code_hash=code).exists()  # only the hash is kept
    later = datetime.datetime(2027, 1, 10, 12, tzinfo=WARSAW)
    with time_machine.travel(later, tick=False):
        client = portal_client(account)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
        wrong = client.post(reverse("portal:extras"), {"code": "AAAA-BBBB-CCCC-DDDD"})
        assert wrong.status_code == 400
        with translation.override("pl"):
            assert "Ten kod aktywacyjny jest nieprawidłowy" in wrong.content.decode()
        account.refresh_from_db()
        assert account.extras_activated_at is None
        # Typed in lower case with spaces: the same code.
        ok = client.post(reverse("portal:extras"), {"code": code.lower().replace("-", " ")})
        assert ok.status_code == 302
        account.refresh_from_db()
        assert extras_for_account(account).state == rules.ACTIVE
        reused = portal_client(other).post(reverse("portal:extras"), {"code": code})
        assert reused.status_code == 400
        other.refresh_from_db()
        assert extras_for_account(other).state == rules.ENDED


def test_turning_the_plan_off_makes_everything_free_again() -> None:
    plan_on()
    with time_machine.travel(DAY1, tick=False):
        account = new_account()
    call_command("portal_extras", "--off", stdout=io.StringIO())
    with time_machine.travel(datetime.datetime(2027, 2, 1, tzinfo=WARSAW), tick=False):
        assert extras_for_account(account).state == rules.FREE
        assert portal_client(account).get(reverse("portal:extras")).status_code == 404


def test_bad_plans_are_refused(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("portal_extras", "--on", "--features", "teleport", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command(
            "portal_extras", "--on", "--trial-days", "5", "--warn-days", "9", stdout=io.StringIO()
        )
    out = io.StringIO()
    call_command("portal_extras", stdout=out)
    assert "no extras plan" in out.getvalue()


def test_extras_page_needs_a_portal_session(world: Any, client_for: Any) -> None:
    plan_on()
    anonymous = Client().get(reverse("portal:extras"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("portal:signin"))
    school_login = client_for(world.user("guardian")).get(reverse("portal:extras"))
    assert school_login.status_code == 302
