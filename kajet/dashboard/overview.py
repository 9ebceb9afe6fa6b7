"""The principal's home page: the school at a glance instead of a teacher's (empty) day.

Attendance taken today, the excuses waiting for the homeroom teachers, the classes with
students at risk, and the register's recent changes — each one aggregate query whatever the
size of the school (asserted in kajet/dashboard/tests/test_home_flows.py). The classes at
risk (a whole year's marks) and the recent changes are kept in the home page cache
(``caching.home_cached``): ``HOME_CACHE_SECONDS`` (10 minutes) bounds how late a new proposed
1, a bad week or a change shows there. Attendance today and the excuses waiting change with
every lesson taken and every excuse, and are read per request.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kajet.accounts.models import User
from kajet.attendance.selectors import (
    DayAttendance,
    WaitingExcuses,
    excuses_waiting,
    school_day_attendance,
    students_under_threshold_by_class,
)
from kajet.core.models import HistoryEntry
from kajet.dashboard.caching import home_cached
from kajet.grades.selectors import students_failing_by_class

#: How far back "recent changes" look, and how many lines they show.
CHANGES_HOURS = 24
CHANGES_LIMIT = 8

#: The register's areas whose changes the principal sees on the home page (messages, sign-ins
#: and personal settings are nobody's overview).
AREAS = {
    "grades": _("Grades"),
    "attendance": _("Attendance"),
    "remarks": _("Remarks"),
    "homework": _("Homework"),
    "timetable": _("Timetable and calendar"),
    "noticeboard": _("Announcements"),
    "school": _("School office"),
    "records": _("Printouts"),
}
#: What a history code did, as a line of the overview says it.
ACTIONS = {
    "grades.grade.created": _("marks added"),
    "grades.grade.changed": _("marks changed"),
    "grades.grade.corrected": _("corrections added"),
    "grades.grade.deleted": _("marks deleted"),
    "grades.column.changed": _("grade columns changed"),
    "grades.term_grade.created": _("term grades set"),
    "grades.term_grade.changed": _("term grades changed"),
    "grades.term_grade.deleted": _("term grades cleared"),
    "grades.behaviour.set": _("behaviour grades set"),
    "attendance.lesson.created": _("lessons recorded"),
    "attendance.lesson.topic_changed": _("topics changed"),
    "attendance.mark.added": _("attendance marks added"),
    "attendance.mark.changed": _("attendance marks changed"),
    "attendance.mark.excused": _("absences excused"),
    "attendance.excuse.submitted": _("excuses sent"),
    "attendance.excuse.withdrawn": _("excuses withdrawn"),
    "remarks.remark.created": _("remarks written"),
    "remarks.remark.corrected": _("remarks corrected"),
    "remarks.remark.removed": _("remarks removed"),
    "remarks.remark.acknowledged": _("remarks acknowledged"),
    "homework.homework.created": _("homework set"),
    "homework.homework.updated": _("homework changed"),
    "homework.homework.deleted": _("homework deleted"),
    "timetable.event.added": _("calendar events added"),
    "timetable.event.updated": _("calendar events changed"),
    "timetable.event.removed": _("calendar events removed"),
    "timetable.lesson_change.substitution": _("substitutions"),
    "timetable.lesson_change.cancellation": _("lessons cancelled"),
    "timetable.lesson_change.moved": _("lessons moved"),
    "timetable.lesson_change.removed": _("lesson changes withdrawn"),
    "timetable.entry.added": _("lessons added to the timetable"),
    "timetable.entry.changed": _("timetable lessons changed"),
    "timetable.entry.removed": _("lessons removed from the timetable"),
    "noticeboard.announcement.created": _("announcements published"),
    "school.student.enrolled": _("students enrolled"),
    "school.student.moved": _("students moved to another class"),
    "school.student.enrolment_ended": _("enrolments ended"),
}


@dataclass(frozen=True)
class ClassAtRisk:
    class_id: int
    name: str
    failing: int  # students with a proposed or final 1
    low_attendance: int  # students under the attendance threshold


@dataclass(frozen=True)
class ChangeLine:
    actor_name: str
    area: str
    action: str
    count: int
    last_at: datetime.datetime


@dataclass
class SchoolOverview:
    attendance: DayAttendance
    excuses: WaitingExcuses
    at_risk: list[ClassAtRisk] = field(default_factory=list)
    threshold_percent: int | None = None
    changes: list[ChangeLine] = field(default_factory=list)


def classes_at_risk(today: datetime.date) -> tuple[list[ClassAtRisk], int | None]:
    """The current classes with a student at risk — a proposed or final 1 of this term or
    the year, or attendance this year under the school's threshold — in class order, and
    that threshold (two queries)."""
    failing = students_failing_by_class(today)
    absent, threshold = students_under_threshold_by_class()
    classes = sorted(set(failing) | set(absent), key=lambda c: (c.level, c.name, c.pk))
    rows = [
        ClassAtRisk(
            class_id=c.pk,
            name=c.name,
            failing=len(failing.get(c, ())),
            low_attendance=len(absent.get(c, ())),
        )
        for c in classes
    ]
    return rows, threshold


def recent_changes(now: datetime.datetime) -> list[ChangeLine]:
    """The register's changes of the last ``CHANGES_HOURS`` grouped by who and what, the
    latest first (one GROUP BY query; at most ``CHANGES_LIMIT`` lines)."""
    areas = Q()
    for area in AREAS:
        areas |= Q(code__startswith=f"{area}.")
    rows = (
        HistoryEntry.objects.filter(areas, at__gte=now - datetime.timedelta(hours=CHANGES_HOURS))
        .values_list("actor__first_name", "actor__last_name", "code")
        .annotate(n=Count("pk"), last_at=Max("at"))
        .order_by("-last_at")[:CHANGES_LIMIT]
    )
    return [
        ChangeLine(
            actor_name=f"{first or ''} {last or ''}".strip(),
            area=str(AREAS[code.split(".", 1)[0]]),
            action=str(ACTIONS.get(code, "")),
            count=n,
            last_at=last_at,
        )
        for first, last, code, n, last_at in rows
    ]


@dataclass(frozen=True)
class _Slow:
    """What the overview keeps in the home page cache: reads of a whole year's marks and of
    the day's history, which need not be to the minute."""

    at_risk: list[ClassAtRisk]
    threshold_percent: int | None
    changes: list[ChangeLine]


def _slow(today: datetime.date) -> _Slow:
    at_risk, threshold = classes_at_risk(today)
    return _Slow(at_risk, threshold, recent_changes(timezone.now()))


def school_overview(user: User, today: datetime.date) -> SchoolOverview:
    """The principal's panels (see the module's docstring): attendance today and the
    excuses waiting read per request, the rest through the cache."""
    slow, _hit = home_cached(user, ("overview", today), lambda: _slow(today))
    return SchoolOverview(
        attendance=school_day_attendance(today),
        excuses=excuses_waiting(),
        at_risk=slow.at_risk,
        threshold_percent=slow.threshold_percent,
        changes=slow.changes,
    )
