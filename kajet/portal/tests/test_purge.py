"""Registrations not activated within 14 days are deleted, logged without personal data."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from kajet.portal.models import PortalAccount
from kajet.portal.tasks import purge_unactivated_task
from kajet.portal.tests.conftest import make_account

pytestmark = pytest.mark.django_db


def _registered(email: str, days_ago: int, *, activated: bool = False) -> PortalAccount:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago)):
        return make_account(email, activated=activated)


def test_15_day_old_is_purged_and_13_day_old_kept(caplog: pytest.LogCaptureFixture) -> None:
    old = _registered("stary@example.pl", 15)
    young = _registered("mlody@example.pl", 13)
    active = _registered("aktywny@example.pl", 40, activated=True)
    with caplog.at_level(logging.INFO, logger="kajet.portal"):
        assert purge_unactivated_task.delay().get() == 1
    assert set(PortalAccount.objects.values_list("pk", flat=True)) == {young.pk, active.pk}
    assert "purged 1" in caplog.text and str(old.pk) in caplog.text
    assert "@" not in caplog.text


def test_the_command_does_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    _registered("stary@example.pl", 15)
    _registered("mlody@example.pl", 13)
    call_command("portal_purge_unactivated")
    assert capsys.readouterr().out.strip() == "purged 1"
    assert list(PortalAccount.objects.values_list("email", flat=True)) == ["mlody@example.pl"]


def test_the_job_is_scheduled() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["portal-purge-unactivated"]
    assert entry["task"] == purge_unactivated_task.name
