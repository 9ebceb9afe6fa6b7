"""Retention with a controlled clock: for every kind, a row one day older than its period is
purged (or, for students who left, reported) and a row one day younger is kept; a dry run
changes nothing; the command prints the counts; the beat schedule runs the job."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.accounts.models import SignInAttempt, UserSession
from kajet.audit import tasks
from kajet.audit.models import AccessLogEntry, Kind
from kajet.audit.retention import cutoff, retention_kinds, retention_run
from kajet.notifications.models import ChannelDelivery, Notification
from kajet.school.models import Student
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 3, 15, 4, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def _age(setting: str, older: bool) -> datetime.datetime:
    """A moment one day past the period (older) or one day inside it."""
    days = datetime.timedelta(days=getattr(settings, setting))
    return NOW - days - DAY if older else NOW - days + DAY


@pytest.mark.parametrize(
    ("days", "at", "due"),
    [
        (10, NOW - datetime.timedelta(days=11), True),
        (10, NOW - datetime.timedelta(days=10, seconds=1), True),
        (10, NOW - datetime.timedelta(days=10), False),
        (10, NOW - datetime.timedelta(days=9), False),
        (0, NOW - datetime.timedelta(seconds=1), True),
    ],
)
def test_cutoff(days: int, at: datetime.datetime, due: bool) -> None:
    assert (at < cutoff(NOW, days)) is due


def _fill(world: SchoolWorld) -> dict[str, tuple[Any, Any]]:
    """For each kind, (a row one day too old, a row one day young enough)."""
    school, user = world.school, world.user("teacher")
    made: dict[str, tuple[Any, Any]] = {}
    rows = []
    for older in (True, False):
        at = _age("KAJET_RETENTION_SIGN_IN_DAYS", older)
        rows.append(
            SignInAttempt.objects.create(login=user.login, user=user, at=at, result="success")
        )
    made["sign_in_attempts"] = (rows[0], rows[1])
    rows = []
    for i, older in enumerate((True, False)):
        at = _age("KAJET_RETENTION_SESSION_DAYS", older)
        rows.append(
            UserSession.objects.create(
                user=user, kind="web", key=f"k{i}", created_at=at, expires_at=at + DAY, ended_at=at
            )
        )
    # Still open and not expired: kept whatever its age.
    UserSession.objects.create(
        user=user, kind="api", key="live", created_at=NOW - 1000 * DAY, expires_at=NOW + DAY
    )
    made["sessions"] = (rows[0], rows[1])
    rows = []
    for older in (True, False):
        notification = Notification.objects.create(
            school=school, user=user, kind="grade", title="x"
        )
        delivery = ChannelDelivery.objects.create(
            school=school, notification=notification, user=user, channel="email", status="sent"
        )
        at = _age("KAJET_RETENTION_DELIVERY_DAYS", older)
        ChannelDelivery.objects.filter(pk=delivery.pk).update(created_at=at)  # auto_now_add
        rows.append(delivery)
    # Not finished yet: kept whatever its age.
    pending = Notification.objects.create(school=school, user=user, kind="grade", title="y")
    waiting = ChannelDelivery.objects.create(
        school=school, notification=pending, user=user, channel="email", status="pending"
    )
    ChannelDelivery.objects.filter(pk=waiting.pk).update(created_at=NOW - 1000 * DAY)
    made["delivery_logs"] = (rows[0], rows[1])
    rows = []
    for older in (True, False):
        at = _age("KAJET_RETENTION_ACCESS_LOG_DAYS", older)
        rows.append(
            AccessLogEntry.objects.create(
                school=school, viewer=user, student=world.student, kind=Kind.GRADES, at=at
            )
        )
    made["access_log"] = (rows[0], rows[1])
    for student, older in ((world.student, True), (world.other_student, False)):
        student.left_on = timezone.localdate(_age("KAJET_RETENTION_LEFT_STUDENT_DAYS", older))
        student.save(update_fields=["left_on"])
    made["left_students"] = (world.student, world.other_student)
    return made


def _exists(row: Any) -> bool:
    with scopes_disabled():
        return bool(type(row).objects.filter(pk=row.pk).exists())


def test_a_dry_run_counts_and_changes_nothing(world: SchoolWorld) -> None:
    made = _fill(world)
    lines = retention_run(now=NOW, dry_run=True)
    counts = {line.key: line.count for line in lines}
    # Kinds registered by other apps (print jobs) have nothing due here.
    assert set(made) <= set(counts)
    assert counts == {key: int(key in made) for key in counts}
    assert not any(line.purged for line in lines)
    for old, young in made.values():
        assert _exists(old) and _exists(young)


def test_a_run_purges_one_day_older_keeps_one_day_younger(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    made = _fill(world)
    lines = {line.key: line for line in retention_run(now=NOW, dry_run=False)}
    for key, (old, young) in made.items():
        assert lines[key].count == 1
        assert _exists(young), key
        if key == "left_students":
            assert _exists(old) and not lines[key].purged  # only reported
        else:
            assert not _exists(old) and lines[key].purged, key
    with scopes_disabled():
        assert UserSession.objects.filter(key="live").exists()
        assert ChannelDelivery.objects.filter(status="pending").exists()
        assert Student.objects.filter(pk=world.student.pk, left_on__isnull=False).exists()
    again = retention_run(now=NOW, dry_run=False)
    assert {line.key: line.count for line in again} == {
        line.key: (1 if line.key == "left_students" else 0) for line in again
    }


def test_expired_django_sessions_go_too(world: SchoolWorld) -> None:
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        pytest.skip("sessions are not kept in the database")
    Session.objects.create(session_key="old", session_data="", expire_date=NOW - DAY)
    Session.objects.create(session_key="new", session_data="", expire_date=NOW + DAY)
    retention_run(now=NOW, dry_run=False)
    assert list(
        Session.objects.filter(session_key__in=["old", "new"]).values_list("pk", flat=True)
    ) == ["new"]


def test_the_periods_are_settings(world: SchoolWorld, settings: Any) -> None:
    settings.KAJET_RETENTION_ACCESS_LOG_DAYS = 3
    AccessLogEntry.objects.create(
        school=world.school,
        viewer=world.user("teacher"),
        student=world.student,
        kind=Kind.GRADES,
        at=NOW - 4 * DAY,
    )
    lines = {line.key: line for line in retention_run(now=NOW, dry_run=True)}
    assert lines["access_log"].count == 1 and lines["access_log"].days == 3


def test_the_command_prints_a_dry_run_report(world: SchoolWorld) -> None:
    AccessLogEntry.objects.create(
        school=world.school,
        viewer=world.user("teacher"),
        student=world.student,
        kind=Kind.GRADES,
        at=timezone.now() - datetime.timedelta(days=settings.KAJET_RETENTION_ACCESS_LOG_DAYS + 1),
    )
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    report = out.getvalue()
    assert "access_log: 1 would delete (older than 730 days)" in report
    assert "left_students: 0 to review (not deleted)" in report
    assert len(report.splitlines()) == len(retention_kinds())
    assert AccessLogEntry.objects.count() == 1
    out = StringIO()
    call_command("retention", stdout=out)
    assert "access_log: 1 deleted" in out.getvalue()
    assert AccessLogEntry.objects.count() == 0


def test_the_job_is_scheduled_daily_and_runs(world: SchoolWorld) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["audit-retention"]
    assert entry["task"] == "audit.retention"
    assert tasks.retention_task.name == "audit.retention"
    counts = tasks.retention_task.delay().get()
    assert set(counts) == {kind.key for kind in retention_kinds()}


def test_the_defaults() -> None:
    assert {kind.key: kind.days for kind in retention_kinds()} == {
        "sign_in_attempts": 365,
        "sessions": 90,
        "delivery_logs": 180,
        "access_log": 730,
        "left_students": 1827,
        "print_jobs": 7,  # registered by kajet.records
    }
