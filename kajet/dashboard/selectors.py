"""What each role's home page shows — composed from the lower apps' selectors.

The dashboard owns no data. For a family user it shows the chosen child's lessons of today
and tomorrow (with changes), the tests and homework of the next 7 days, grades added since
the last look at the grades page, unread messages, current announcements and the lucky
number; for staff their own lessons, their events, the homework they set that falls due,
messages and announcements. The whole page stays within a fixed query budget.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from kajet.accounts.models import User
from kajet.accounts.services import last_successful_sign_in
from kajet.grades.models import Grade
from kajet.grades.selectors import family_children
from kajet.homework.selectors import (
    HomeworkRow,
    homework_rows_due_for_student,
    homework_rows_due_for_teacher,
)
from kajet.messaging.selectors import UnreadRow, unread_latest
from kajet.noticeboard.selectors import announcement_rows_current_for
from kajet.school.access import roles_of
from kajet.school.models import Student
from kajet.timetable.selectors import (
    EventRow,
    LessonOccurrence,
    days_off_of_rows,
    event_rows_for_student,
    event_rows_for_teacher,
    lessons_for_student,
    lessons_for_teacher,
    lucky_number_cached,
)

#: How far ahead the "coming up" panels look (today included).
AHEAD_DAYS = 7
#: When a family user has never opened the grades page: grades of the last this many days.
NEW_GRADES_FALLBACK_DAYS = 7
NEW_GRADES_LIMIT = 10
ANNOUNCEMENTS_LIMIT = 5
LATEST_MESSAGES = 3


@dataclass
class DayLessons:
    date: datetime.date
    lessons: list[LessonOccurrence]


@dataclass(frozen=True)
class GradeRow:
    """A new grade as the dashboard lists it (read with ``.values()``)."""

    id: int
    kind: str
    text: str
    value: Any
    descriptive: str
    subject_name: str
    category_name: str
    created_at: datetime.datetime

    @property
    def kind_label(self) -> str:
        return str(Grade.Kind(self.kind).label)


@dataclass
class Dashboard:
    today: datetime.date
    days: list[DayLessons] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    homework: list[HomeworkRow] = field(default_factory=list)
    new_grades: list[GradeRow] | None = None  # None: the panel does not apply (staff)
    grades_since: datetime.datetime | None = None
    unread_messages: int = 0
    latest_messages: list[UnreadRow] = field(default_factory=list)
    announcements: list[dict[str, Any]] = field(default_factory=list)
    lucky_number: int | None = None
    lucky_number_date: datetime.date | None = None


def _lessons_by_day(
    lessons: list[LessonOccurrence], today: datetime.date, tomorrow: datetime.date
) -> list[DayLessons]:
    return [DayLessons(day, [o for o in lessons if o.date == day]) for day in (today, tomorrow)]


def new_grades_for(
    student: Student, since: datetime.datetime, limit: int = NEW_GRADES_LIMIT
) -> list[GradeRow]:
    """Grades of a student added after ``since``, newest first (one query, three joins)."""
    rows = (
        Grade.objects.filter(student_id=student.pk, created_at__gt=since, deleted_at__isnull=True)
        .order_by("-created_at", "-pk")
        .values_list(
            "id",
            "kind",
            "text",
            "value",
            "descriptive",
            "course__subject__name",
            "column__category__name",
            "created_at",
        )[:limit]
    )
    return [
        GradeRow(pk, kind, text or "", value, descriptive or "", subject, category or "", at)
        for pk, kind, text, value, descriptive, subject, category, at in rows
    ]


def dashboard_for_student(
    *, user: User, student: Student, today: datetime.date, grades_seen_at: datetime.datetime | None
) -> Dashboard:
    tomorrow = today + datetime.timedelta(days=1)
    end = today + datetime.timedelta(days=AHEAD_DAYS - 1)
    data = Dashboard(today=today)
    # The coming week's events hold the days off of today and tomorrow: the lessons reuse
    # them instead of reading them again.
    events = event_rows_for_student(student, today, end)
    known_off = days_off_of_rows(events, student.school_class_id, today, tomorrow)
    lessons = lessons_for_student(student, today, tomorrow, known_days_off=known_off)
    data.days = _lessons_by_day(lessons, today, tomorrow)
    data.events = [e for e in events if e.kind != "day_off"]
    data.homework = homework_rows_due_for_student(student=student, start=today, end=end)
    since = grades_seen_at or timezone.now() - datetime.timedelta(days=NEW_GRADES_FALLBACK_DAYS)
    data.grades_since = grades_seen_at
    data.new_grades = new_grades_for(student, since)
    _common(data, user, today)
    return data


def dashboard_for_staff(*, user: User, today: datetime.date) -> Dashboard:
    tomorrow = today + datetime.timedelta(days=1)
    end = today + datetime.timedelta(days=AHEAD_DAYS - 1)
    data = Dashboard(today=today)
    data.days = _lessons_by_day(lessons_for_teacher(user, today, tomorrow), today, tomorrow)
    data.events = event_rows_for_teacher(user, today, end)
    data.homework = homework_rows_due_for_teacher(user=user, start=today, end=end)
    _common(data, user, today)
    return data


def _common(data: Dashboard, user: User, today: datetime.date) -> None:
    # The newest unread messages and their number in one query; the navigation's unread
    # badge on this page reuses the number (messaging.selectors.unread_count).
    data.unread_messages, data.latest_messages = unread_latest(user, limit=LATEST_MESSAGES)
    data.announcements = announcement_rows_current_for(
        user=user, today=today, limit=ANNOUNCEMENTS_LIMIT
    )
    assert user.school_id is not None
    data.lucky_number = lucky_number_cached(user.school_id, today)
    data.lucky_number_date = today if data.lucky_number is not None else None


PREVIOUS_SIGN_IN_KEY = "kajet_previous_sign_in"


def previous_sign_in_at(request: HttpRequest, user: User) -> datetime.datetime | None:
    """The sign-in before this session's. It cannot change during the session, so it is
    read once and kept in the session."""
    stored = request.session.get(PREVIOUS_SIGN_IN_KEY)
    if stored is None:
        found = last_successful_sign_in(user)
        stored = found.at.isoformat() if found is not None else ""
        request.session[PREVIOUS_SIGN_IN_KEY] = stored
    return datetime.datetime.fromisoformat(stored) if stored else None


def home_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "roles": sorted(roles_of(user)),
        "last_sign_in_at": previous_sign_in_at(request, user),
    }
    if user.kind in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        students, selected = family_children(request)
        context["children"] = students
        context["selected"] = selected
        if selected is not None:
            context["board"] = dashboard_for_student(
                user=user,
                student=selected,
                today=today,
                grades_seen_at=getattr(selected, "grades_seen_at", None),
            )
    elif user.kind == User.Kind.STAFF:
        context["board"] = dashboard_for_staff(user=user, today=today)
    return context
