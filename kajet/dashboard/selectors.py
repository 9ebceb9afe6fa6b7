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

from django.core.cache import cache
from django.db.models import Count, Window
from django.http import HttpRequest
from django.utils import timezone

from kajet.accounts.models import User
from kajet.accounts.services import last_successful_sign_in
from kajet.grades.models import Grade
from kajet.grades.selectors import family_children
from kajet.homework.models import Homework
from kajet.homework.selectors import homework_due_for_student, homework_due_for_teacher
from kajet.messaging.models import Delivery
from kajet.messaging.selectors import delivery_list_for_folder
from kajet.noticeboard.models import Announcement
from kajet.noticeboard.selectors import announcements_current_for
from kajet.school.access import roles_of
from kajet.school.models import Student
from kajet.timetable.models import Event
from kajet.timetable.selectors import (
    LessonOccurrence,
    events_for_student,
    events_for_teacher,
    lessons_for_student,
    lessons_for_teacher,
    lucky_number_for,
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


@dataclass
class Dashboard:
    today: datetime.date
    days: list[DayLessons] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    homework: list[Homework] = field(default_factory=list)
    new_grades: list[Grade] | None = None  # None: the panel does not apply (staff)
    grades_since: datetime.datetime | None = None
    unread_messages: int = 0
    latest_messages: list[Delivery] = field(default_factory=list)
    announcements: list[Announcement] = field(default_factory=list)
    lucky_number: int | None = None
    lucky_number_date: datetime.date | None = None


def _lessons_by_day(
    lessons: list[LessonOccurrence], today: datetime.date, tomorrow: datetime.date
) -> list[DayLessons]:
    return [DayLessons(day, [o for o in lessons if o.date == day]) for day in (today, tomorrow)]


def new_grades_for(
    student: Student, since: datetime.datetime, limit: int = NEW_GRADES_LIMIT
) -> list[Grade]:
    """Grades of a student added after ``since``, newest first (one query)."""
    return list(
        Grade.objects.filter(student_id=student.pk, created_at__gt=since, deleted_at__isnull=True)
        .select_related("course__subject", "column__category")
        .order_by("-created_at", "-pk")[:limit]
    )


#: A drawn lucky number never changes; the school may switch the feature off, which the
#: dashboard then follows within this many seconds.
LUCKY_CACHE_SECONDS = 300


def _lucky(school_id: int, today: datetime.date) -> tuple[int | None, datetime.date | None]:
    """Today's lucky number (None on a day off or when the school does not use it), cached
    briefly so the busiest page of the day does not ask for it on every load."""
    key = f"kajet:dashboard:lucky:{school_id}:{today.isoformat()}"
    cached = cache.get(key)
    if cached is None:
        number = lucky_number_for(school_id, today)
        cache.set(key, -1 if number is None else number, LUCKY_CACHE_SECONDS)
    else:
        number = None if cached == -1 else int(cached)
    return number, (today if number is not None else None)


def dashboard_for_student(
    *, user: User, student: Student, today: datetime.date, grades_seen_at: datetime.datetime | None
) -> Dashboard:
    tomorrow = today + datetime.timedelta(days=1)
    end = today + datetime.timedelta(days=AHEAD_DAYS - 1)
    data = Dashboard(today=today)
    data.days = _lessons_by_day(lessons_for_student(student, today, tomorrow), today, tomorrow)
    data.events = [e for e in events_for_student(student, today, end) if e.kind != "day_off"]
    data.homework = homework_due_for_student(student=student, start=today, end=end)
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
    data.events = events_for_teacher(user, today, end)
    data.homework = homework_due_for_teacher(user=user, start=today, end=end)
    _common(data, user, today)
    return data


def _common(data: Dashboard, user: User, today: datetime.date) -> None:
    # The newest unread messages and, on each row, how many are unread in all: one query
    # (the same rows as messaging's unread_count: own inbox copies not deleted, unread).
    latest: list[Any] = list(
        delivery_list_for_folder(user, "inbox")
        .filter(is_unread=True)
        .annotate(unread_total=Window(expression=Count("id")))[:LATEST_MESSAGES]
    )
    data.latest_messages = list(latest)
    data.unread_messages = latest[0].unread_total if latest else 0
    data.announcements = announcements_current_for(
        user=user, today=today, limit=ANNOUNCEMENTS_LIMIT, with_classes=False
    )
    assert user.school_id is not None
    data.lucky_number, data.lucky_number_date = _lucky(user.school_id, today)


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
