"""Absence alerts end to end: attendance saves → one alert per student and day, gathered for a
few minutes → one e-mail (real SMTP on loopback) and one push (decrypted) per guardian; a
correction to present within the window sends nothing."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest
import time_machine

from kajet.accounts.models import User
from kajet.attendance import services, stats
from kajet.attendance.models import AttendanceMark, Lesson
from kajet.attendance.selectors import roster_for
from kajet.notifications.models import AbsenceAlert, Notification, NotificationProfile
from kajet.notifications.services import push_subscription_add
from kajet.notifications.tasks import sweep
from kajet.school.models import LessonPeriod
from kajet.testutils.factories import guardian_for
from kajet.testutils.push import PushService, subscriber
from kajet.testutils.smtp import SmtpSink

pytestmark = pytest.mark.django_db
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
MORNING = datetime.datetime(2026, 12, 1, 8, 50, tzinfo=WARSAW)  # a Tuesday


def confirm(user: User, email: str) -> None:
    User.objects.filter(pk=user.pk).update(email=email)
    NotificationProfile.objects.update_or_create(
        user=user, defaults={"school_id": user.school_id, "verified_email": email}
    )


def save(world: Any, number: int, kind: str) -> None:
    day = MORNING.date()
    types = services.attendance_types_for(world.school)
    by_kind = {t.kind: t for t in types if t.is_standard}
    roster = roster_for(world.course, day)
    lesson = Lesson.objects.filter(course=world.course, date=day, period__number=number).first()
    versions = (
        {m.student_id: m.version for m in AttendanceMark.objects.filter(lesson=lesson)}
        if lesson
        else None
    )
    services.lesson_save(
        actor=world.user("teacher"),
        course=world.course,
        day=day,
        period=LessonPeriod.objects.get(school=world.school, number=number),
        topic="Temat",
        marks={world.student.pk: by_kind[kind].pk},
        roster=roster,
        types=types,
        lesson=lesson,
        versions=versions,
    )


def test_three_absences_one_alert_per_guardian(
    world: Any,
    smtp_server: SmtpSink,
    push_service: PushService,
    vapid_key: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = world.user("guardian")
    second = guardian_for(world.student, login=f"{world.student.login_number}2")
    devices = {}
    for i, guardian in enumerate((first, second)):
        confirm(guardian, f"opiekun{i}@example.org")
        devices[guardian.pk] = subscriber(push_service, f"g{i}")
        push_subscription_add(actor=guardian, data=devices[guardian.pk].subscription())
    with time_machine.travel(MORNING, tick=False) as clock:
        for number in (1, 2, 3):
            with django_capture_on_commit_callbacks(execute=True):
                save(world, number, stats.ABSENT)
            clock.shift(datetime.timedelta(minutes=2))
        sweep()
        assert smtp_server.received == [] and push_service.received == []
        [alert] = AbsenceAlert.objects.all()
        assert len(alert.lessons) == 3
        clock.shift(datetime.timedelta(minutes=10))
        for _ in range(2):  # the alert is sent once
            with django_capture_on_commit_callbacks(execute=True):
                sweep()
    assert sorted(r for m in smtp_server.received for r in m.rcpt_tos) == [
        "opiekun0@example.org",
        "opiekun1@example.org",
    ]
    title = smtp_server.received[0].message["Subject"]
    assert "1. Matematyka; 2. Matematyka; 3. Matematyka" in title
    assert len(push_service.received) == 2
    for headers, body in push_service.received:
        device = next(d for d in devices.values() if d.endpoint.endswith(headers[":path"]))
        payload = device.decrypt(body)
        assert payload["body"] == f"{world.student.user.first_name} is absent today"
    assert Notification.objects.filter(kind="absence").count() == 2


def test_a_correction_within_the_window_sends_nothing(
    world: Any,
    smtp_server: SmtpSink,
    django_capture_on_commit_callbacks: Any,
) -> None:
    confirm(world.user("guardian"), "opiekun@example.org")
    with time_machine.travel(MORNING, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            save(world, 1, stats.ABSENT)
        clock.shift(datetime.timedelta(minutes=3))
        with django_capture_on_commit_callbacks(execute=True):
            save(world, 1, stats.PRESENT)
        clock.shift(datetime.timedelta(minutes=30))
        with django_capture_on_commit_callbacks(execute=True):
            sweep()
    assert smtp_server.received == []
    assert AbsenceAlert.objects.get().status == AbsenceAlert.Status.CANCELLED
    assert not Notification.objects.filter(kind="absence").exists()


def test_lateness_counts_only_where_the_school_says_so(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from kajet.notifications.models import SchoolNotificationSettings

    with time_machine.travel(MORNING, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            save(world, 1, stats.LATE)
        assert not AbsenceAlert.objects.exists()
        SchoolNotificationSettings.objects.create(school=world.school, absence_alert_late=True)
        with django_capture_on_commit_callbacks(execute=True):
            save(world, 2, stats.LATE)
    assert AbsenceAlert.objects.get().lessons
