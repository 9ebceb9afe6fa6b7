"""Absence alerts: guardians hear once per student and day that the child is absent.

The attendance save calls ``absence_alert_record`` once (after it commits). Absences of one
student on one day are gathered for ``KAJET_ABSENCE_ALERT_MINUTES`` (default 10) from the
first one; three absences in a morning then become one alert listing the lessons. Marking the
lessons present again within the window cancels the alert. Lateness counts only where the
school says so (``SchoolNotificationSettings.absence_alert_late``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.core.datefmt import short_date
from kajet.notifications.models import AbsenceAlert, Notification, SchoolNotificationSettings
from kajet.school.models import Course, Guardianship, Student

Status = AbsenceAlert.Status
ABSENT, LATE = "absent", "late"


def alerting_kinds(school_id: int) -> set[str]:
    late = (
        SchoolNotificationSettings.objects.filter(school_id=school_id)
        .values_list("absence_alert_late", flat=True)
        .first()
    )
    return {ABSENT, LATE} if late else {ABSENT}


def absence_alert_record(
    *,
    school_id: int,
    lesson_id: int,
    day: datetime.date,
    period_number: int,
    course_id: int,
    kinds: Mapping[int, str],
) -> None:
    """Tell the alert gatherer how a lesson's students were marked (student id → base kind:
    present, absent, late, excused, released). Runs when the surrounding transaction commits."""
    data = dict(kinds)
    label = {"period": period_number, "course": course_id}
    transaction.on_commit(
        lambda: _record(school_id=school_id, lesson_id=lesson_id, day=day, label=label, kinds=data)
    )


def _record(
    *,
    school_id: int,
    lesson_id: int,
    day: datetime.date,
    label: dict[str, int],
    kinds: dict[int, str],
) -> None:
    if day != timezone.localdate():
        return  # catching up on an earlier day's register is no news for the family
    alerting = alerting_kinds(school_id)
    absent = {sid: kind for sid, kind in kinds.items() if kind in alerting}
    key = str(lesson_id)
    with transaction.atomic():
        alerts = {
            a.student_id: a
            for a in AbsenceAlert.objects.select_for_update().filter(
                student_id__in=list(kinds), date=day
            )
        }
        changed = [a for sid, a in alerts.items() if _update(a, key, absent.get(sid), label)]
        AbsenceAlert.objects.bulk_update(changed, ["lessons", "status"])
        window = datetime.timedelta(minutes=settings.KAJET_ABSENCE_ALERT_MINUTES)
        AbsenceAlert.objects.bulk_create(
            [
                AbsenceAlert(
                    school_id=school_id,
                    student_id=sid,
                    date=day,
                    lessons={key: _entry(label, kind)},
                    send_after=timezone.now() + window,
                )
                for sid, kind in absent.items()
                if sid not in alerts
            ],
            ignore_conflicts=True,
        )


def _entry(label: dict[str, int], kind: str) -> dict[str, int | str]:
    return {**label, "kind": kind}


def _update(alert: AbsenceAlert, key: str, kind: str | None, label: dict[str, int]) -> bool:
    """Add or drop one lesson of a gathering alert; True when it changed."""
    if alert.status != Status.GATHERING:
        return False  # sent already (one alert a day) or cancelled for good
    lessons = dict(alert.lessons)
    if kind is None:
        lessons.pop(key, None)
    else:
        lessons[key] = _entry(label, kind)
    if lessons == alert.lessons:
        return False
    alert.lessons = lessons
    if not lessons:
        alert.status = Status.CANCELLED
    return True


def absence_alerts_send(*, now: datetime.datetime) -> int:
    """Send the alerts whose window closed; each is claimed by one UPDATE (sent once)."""
    from kajet.notifications.services import notify

    due = list(
        AbsenceAlert.objects.filter(status=Status.GATHERING, send_after__lte=now).values_list(
            "pk", flat=True
        )[:1000]
    )
    if not due:
        return 0
    claimed = list(
        AbsenceAlert.objects.filter(pk__in=due, status=Status.GATHERING)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    AbsenceAlert.objects.filter(pk__in=claimed, status=Status.GATHERING).update(status=Status.SENT)
    alerts = list(AbsenceAlert.objects.filter(pk__in=claimed).order_by("pk"))
    students = Student.objects.select_related("user").in_bulk([a.student_id for a in alerts])
    guardians: dict[int, list[int]] = {}
    for student_id, guardian_id in Guardianship.objects.filter(
        student_id__in=[a.student_id for a in alerts]
    ).values_list("student_id", "guardian_id"):
        guardians.setdefault(student_id, []).append(guardian_id)
    subjects = dict(
        Course.objects.filter(
            pk__in={e["course"] for a in alerts for e in a.lessons.values()}
        ).values_list("pk", "subject__name")
    )
    url = reverse("attendance:family")
    with transaction.atomic():
        for alert in alerts:
            student = students.get(alert.student_id)
            if student is None or not guardians.get(alert.student_id):
                continue
            notify(
                school=alert.school_id,
                user_ids=guardians[alert.student_id],
                kind=Notification.Kind.ABSENCE,
                title=alert_title(student, alert, subjects),
                push_text=alert_push_text(student),
                url=f"{url}?tydzien={alert.date.isoformat()}",
            )
    return len(alerts)


def lesson_label(entry: dict[str, Any], subjects: Mapping[int, str]) -> str:
    """ "2. Matematyka", "3. Fizyka (late)" """
    text = f"{entry['period']}. {subjects.get(entry['course'], '')}".strip()
    return text if entry["kind"] == ABSENT else f"{text} ({_('late')})"


def alert_title(student: Student, alert: AbsenceAlert, subjects: Mapping[int, str]) -> str:
    entries = sorted(alert.lessons.values(), key=lambda e: e["period"])
    lessons = "; ".join(lesson_label(e, subjects) for e in entries)
    return _("%(name)s was absent on %(date)s: %(lessons)s") % {
        "name": student.user.first_name,
        "date": short_date(alert.date),
        "lessons": lessons,
    }


def alert_push_text(student: Student) -> str:
    return _("%(name)s is absent today") % {"name": student.user.first_name}
