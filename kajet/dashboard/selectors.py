"""What each role's home page shows — composed from the lower apps' selectors.

The dashboard owns no data. For a family user it shows the chosen child's lessons of today
and tomorrow (with changes), the tests and homework of the next 7 days, grades added since
the last look at the grades page, unread messages, current announcements and the lucky
number; for staff their own lessons, their events, the homework they set that falls due,
messages and announcements. The whole page stays within a fixed query budget.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import Role, User
from kajet.accounts.services import last_successful_sign_in
from kajet.attendance.selectors import WaitingExcuses, excuses_waiting
from kajet.dashboard.caching import HOME_CACHE_SECONDS, home_cached, home_key
from kajet.dashboard.overview import SchoolOverview, school_overview
from kajet.dashboard.stamps import unread_of, viewer_stamp
from kajet.grades.models import Grade
from kajet.grades.selectors.family import family_children_brief
from kajet.homework.access import can as homework_can
from kajet.homework.selectors import (
    HomeworkRow,
    homework_ids_done_by,
    homework_rows_due_for_student,
    homework_rows_due_for_teacher,
)
from kajet.messaging.selectors import UnreadRow, unread_latest
from kajet.noticeboard.selectors import announcement_ids_read_by, announcement_rows_current_for
from kajet.school.access import roles_of
from kajet.school.models import GroupMembership, Student
from kajet.timetable.calendar_items import CalendarItem, calendar_items_for
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
#: Staff whose home page shows their lessons and the homework they set.
TEACHING_ROLES = frozenset({Role.TEACHER, Role.HOMEROOM_TEACHER})
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
    #: Whether the page shows lessons and homework (families and teaching staff).
    teaching: bool = True
    #: Excuses waiting for this homeroom teacher's decision (None: not a homeroom teacher).
    excuses_waiting: WaitingExcuses | None = None
    #: The principal's school overview (None for everyone else).
    overview: SchoolOverview | None = None
    #: The viewer's own calendar items of the coming days (meetings, booked consultations).
    calendar_items: list[CalendarItem] = field(default_factory=list)
    #: Keys of the rendered panels (``{% cache %}`` in dashboard/home.html, with the language):
    #: the class's (or teacher's) entry, the viewer's calendar items, the announcements' entry.
    #: Each carries the school's ``home_version``, like the entries the panels are made of.
    shared_key: str = ""
    items_key: str = ""
    announcements_key: str = ""
    cache_seconds: int = HOME_CACHE_SECONDS

    @property
    def homework_key(self) -> str:
        """The homework panel shows the viewer's own "done" flags: they are part of its key."""
        done = ",".join(str(h.id) for h in self.homework if h.is_done)
        return f"{self.shared_key}:done={done}"

    @property
    def announcements_shown_key(self) -> str:
        """The announcements panel shows which are unread (the viewer's own)."""
        unread = ",".join(str(a["id"]) for a in self.announcements if not a["is_read"])
        return f"{self.announcements_key}:unread={unread}"

    @property
    def coming_up(self) -> list[EventRow | CalendarItem]:
        """The calendar's events and the viewer's items together, by their first day (events
        first on a day, as the calendar lists them)."""
        return sorted([*self.events, *self.calendar_items], key=lambda e: e.starts_on)


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


@dataclass(frozen=True)
class _Shared:
    """What every viewer with the same class and groups (or one teacher) sees on a day:
    kept in the cache (``caching.home_cached``)."""

    days: list[DayLessons]
    events: list[EventRow]
    homework: list[HomeworkRow]  # ``is_done`` of whoever read it first: re-read per viewer


def _student_shared(student: Student, today: datetime.date) -> _Shared:
    tomorrow = today + datetime.timedelta(days=1)
    end = today + datetime.timedelta(days=AHEAD_DAYS - 1)
    # The coming week's events hold the days off of today and tomorrow: the lessons reuse
    # them instead of reading them again.
    events = event_rows_for_student(student, today, end)
    known_off = days_off_of_rows(events, student.school_class_id, today, tomorrow)
    lessons = lessons_for_student(student, today, tomorrow, known_days_off=known_off)
    return _Shared(
        days=_lessons_by_day(lessons, today, tomorrow),
        events=[e for e in events if e.kind != "day_off"],
        homework=homework_rows_due_for_student(student=student, start=today, end=end),
    )


def dashboard_for_student(
    *,
    user: User,
    student: Student,
    today: datetime.date,
    grades_seen_at: datetime.datetime | None,
    audience: tuple[int, ...] = (),
) -> Dashboard:
    """The family home page of ``student``. Lessons, calendar and homework depend only on the
    student's class and groups: shared through the cache by every student (and guardian) of
    the same class and groups on the day. ``audience``: the classes of the user's enrolled
    children (what their announcements depend on)."""
    # Read with the student by ``family_children_brief``; else one query.
    groups: list[int] | None = getattr(student, "group_ids", None)
    if groups is None:
        memberships = GroupMembership.objects.filter(student_id=student.pk)
        groups = sorted(memberships.values_list("group_id", flat=True))
    parts = ("class", student.school_class_id, ",".join(map(str, groups)), today)
    shared, hit = home_cached(user, parts, lambda: _student_shared(student, today))
    data = Dashboard(today=today, days=shared.days, events=shared.events)
    data.shared_key = home_key(user, *parts)
    data.homework = shared.homework
    if hit and shared.homework:
        done = homework_ids_done_by(student=student, ids=[h.id for h in shared.homework])
        data.homework = [dataclasses.replace(h, is_done=h.id in done) for h in shared.homework]
    since = grades_seen_at or timezone.now() - datetime.timedelta(days=NEW_GRADES_FALLBACK_DAYS)
    data.grades_since = grades_seen_at
    data.new_grades = new_grades_for(student, since)
    _common(data, user, today, audience=(user.kind, *audience))
    return data


def _staff_shared(user: User, today: datetime.date, *, teaching: bool) -> _Shared:
    tomorrow = today + datetime.timedelta(days=1)
    end = today + datetime.timedelta(days=AHEAD_DAYS - 1)
    events = event_rows_for_teacher(user, today, end)
    if not teaching:  # no lessons to hold, no homework set: their panels are not shown
        return _Shared(days=[], events=events, homework=[])
    return _Shared(
        days=_lessons_by_day(lessons_for_teacher(user, today, tomorrow), today, tomorrow),
        events=events,
        homework=homework_rows_due_for_teacher(user=user, start=today, end=end),
    )


def dashboard_for_staff(
    *,
    user: User,
    today: datetime.date,
    roles: frozenset[str] | None = None,
    excuses: WaitingExcuses | None = None,
    overview: SchoolOverview | None = None,
) -> Dashboard:
    """A staff member's home page: their lessons, events and homework through the cache
    (per person and day), messages and announcements; for a homeroom teacher the excuses
    waiting for their decision, for the principal the school overview
    (``overview.school_overview``). Staff who do not teach (no teacher role) see no lessons
    or homework panels, and they are not read. ``roles``, ``excuses`` and ``overview``:
    when the caller has read them already (the board's key holds them)."""
    roles = roles_of(user) if roles is None else roles
    teaching = bool(roles & TEACHING_ROLES)
    parts = ("staff", user.pk, today, teaching)
    shared, _hit = home_cached(user, parts, lambda: _staff_shared(user, today, teaching=teaching))
    data = Dashboard(today=today, days=shared.days, events=shared.events, homework=shared.homework)
    data.shared_key = home_key(user, *parts)
    data.teaching = teaching
    if Role.HOMEROOM_TEACHER in roles:
        data.excuses_waiting = excuses or excuses_waiting(homeroom_teacher=user)
    if Role.PRINCIPAL in roles:
        data.overview = overview or school_overview(user, today)
    _common(data, user, today, audience=("staff", user.pk))
    return data


def _common(
    data: Dashboard, user: User, today: datetime.date, *, audience: tuple[object, ...]
) -> None:
    # The newest unread messages and their number in one query; the navigation's unread
    # badge on this page reuses the number (messaging.selectors.unread_count).
    data.unread_messages, data.latest_messages = unread_latest(user, limit=LATEST_MESSAGES)
    data.announcements = _announcements(user, today, audience)
    data.announcements_key = home_key(user, "announcements", *audience, today)
    data.lucky_number = lucky_number_cached(user.school_pk, today)
    data.lucky_number_date = today if data.lucky_number is not None else None
    data.calendar_items = _calendar_items(user, today)
    data.items_key = home_key(user, "items", user.pk, today, get_language())


def _calendar_items(user: User, today: datetime.date) -> list[CalendarItem]:
    """The viewer's own calendar items of the coming days (other apps' providers: a class
    meeting, a booked consultation) through the cache, one entry per viewer, day and language
    (the items' texts are translated). The meetings services move ``home_version`` when a
    meeting is scheduled or a slot booked or cancelled; a cold read costs the providers'
    fixed queries (docs/adr/0010, addendum of issue 13)."""
    end = today + datetime.timedelta(days=AHEAD_DAYS - 1)
    items, _hit = home_cached(
        user,
        ("items", user.pk, today, get_language()),
        lambda: calendar_items_for(user, today, end),
    )
    return items


def _announcements(
    user: User, today: datetime.date, audience: tuple[object, ...]
) -> list[dict[str, Any]]:
    """The current announcements through the cache, one entry per audience and day: a
    family's kind and their children's classes, a staff member themself. Whether each one
    is read is the viewer's own (re-read on a cache hit; one query)."""
    rows, hit = home_cached(
        user,
        ("announcements", *audience, today),
        lambda: announcement_rows_current_for(user=user, today=today, limit=ANNOUNCEMENTS_LIMIT),
    )
    if not hit:
        return rows
    read = announcement_ids_read_by(user=user, ids=[row["id"] for row in rows])
    return [{**row, "is_read": row["id"] in read or row["author_id"] == user.pk} for row in rows]


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


def _family_board(
    request: AuthedRequest, user: User, students: list[Student], selected: Student
) -> tuple[Any, str, int]:
    """(the family's board, read only when rendered; its key; unread messages).

    The key is made of the viewer's stamp (``stamps.viewer_stamp``: one query) and of what
    the shared panels' keys are made of, so a warm page reads nothing else (ADR 14)."""
    today = timezone.localdate()
    # The announcements a family sees depend on the classes of the enrolled children
    # (noticeboard.access.announcements_visible_to).
    classes = tuple(sorted({s.school_class_id for s in students if s.left_on is None}))
    seen_at = getattr(selected, "grades_seen_at", None)
    stamp = viewer_stamp(user, selected)
    board = SimpleLazyObject(
        lambda: dashboard_for_student(
            user=user, student=selected, today=today, grades_seen_at=seen_at, audience=classes
        )
    )
    key = home_key(
        user,
        "board",
        user.pk,
        selected.pk,
        selected.school_class_id,
        getattr(selected, "group_ids", None),
        selected.class_number,
        classes,
        today,
        seen_at,
        lucky_number_cached(user.school_pk, today),
        stamp,
        get_language(),
    )
    return board, key, unread_of(stamp)


def _staff_board(user: User, roles: frozenset[str]) -> tuple[Any, str, int]:
    """(a staff member's board, read only when rendered; its key; unread messages): the key
    holds the viewer's stamp and what is read per request anyway — the excuses waiting and
    the principal's overview (its live counts and its cached slow part)."""
    today = timezone.localdate()
    stamp = viewer_stamp(user)
    excuses = excuses_waiting(homeroom_teacher=user) if Role.HOMEROOM_TEACHER in roles else None
    overview = school_overview(user, today) if Role.PRINCIPAL in roles else None
    board = SimpleLazyObject(
        lambda: dashboard_for_staff(
            user=user, today=today, roles=roles, excuses=excuses, overview=overview
        )
    )
    key = home_key(
        user,
        "board",
        user.pk,
        sorted(roles),
        today,
        excuses,
        overview,
        lucky_number_cached(user.school_pk, today),
        stamp,
        get_language(),
    )
    return board, key, unread_of(stamp)


def home_context(request: AuthedRequest) -> dict[str, Any]:
    """The home page's context. ``board`` is lazy: the template reads it only when the
    board's rendered HTML is not in the cache under ``board_key``."""
    user = request.user
    roles = roles_of(user)
    context: dict[str, Any] = {
        "roles": sorted(roles),
        "last_sign_in_at": previous_sign_in_at(request, user),
        # The administrator and the secretariat run the school, not its teaching: no homework.
        "can_see_homework": homework_can(user, "homework.view"),
        "board_seconds": HOME_CACHE_SECONDS,
    }
    found: tuple[Any, str, int] | None = None
    if user.kind in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        students, selected = family_children_brief(request)
        context["children"] = students
        context["selected"] = selected
        if selected is not None:
            found = _family_board(request, user, students, selected)
    elif user.kind == User.Kind.STAFF:
        found = _staff_board(user, roles)
    if found is not None:
        context["board"], context["board_key"], context["unread_messages"] = found
    return context
