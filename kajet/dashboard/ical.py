"""The secret iCalendar feed: a user's timetable (with substitutions and cancellations),
calendar events, homework due dates, parent meetings and booked consultations, for calendar
apps that subscribe to a URL.

* Who: the token's owner. A guardian's feed covers all their children (each item is prefixed
  with the child's first name when there is more than one); a student's covers themself;
  staff get the lessons they teach (including substitutions they take), their events and
  the due dates of the homework they set.
* When: from ``PAST_DAYS`` ago to ``AHEAD_DAYS`` ahead, so a phone keeps recent history and
  the coming weeks without the feed growing with the school year.
* Cancelled lessons (and lessons moved away from a slot) stay in the feed with
  ``STATUS:CANCELLED`` so that a subscribed calendar shows them struck out rather than
  silently dropping them; the lesson moved in appears at its new time.
* Time zone: lesson times are wall-clock times in Europe/Warsaw, sent with ``TZID`` and the
  matching ``VTIMEZONE``; all-day items (events without a lesson, homework) are DATE values.
* Caching: the body is hashed into a strong ETag; a matching ``If-None-Match`` gets 304.
  The built body is kept in the cache for ``FEED_CACHE_SECONDS`` per user, day and
  ``School.home_version`` (read with the token), so polling costs one token lookup; a
  change of the timetable, calendar or homework (a removal too) reaches the feed at once,
  any other change within that time.
  DTSTAMP comes from the data (not the clock), so an unchanged feed gives the same bytes.
* Cost: a constant number of queries per person covered (a guardian's children are few).
"""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_scopes import scope

from kajet.accounts.models import User
from kajet.core.datefmt import short_date
from kajet.feeds.services import feed_token_resolve
from kajet.homework.models import Homework
from kajet.homework.selectors import homework_due_for_student, homework_due_for_teacher
from kajet.meetings.models import ConsultationSlot, Meeting
from kajet.meetings.selectors import consultations_for_feed, meetings_for_feed
from kajet.school.models import Student
from kajet.timetable.models import Event
from kajet.timetable.selectors import (
    LessonOccurrence,
    events_for_student,
    events_for_teacher,
    lessons_for_student,
    lessons_for_teacher,
)

PAST_DAYS = 14
#: A built feed is reused for this long (calendar apps poll every few hours; building a
#: family's ten weeks takes a while). A change shows up in the feed within this time.
FEED_CACHE_SECONDS = 300
AHEAD_DAYS = 56
TZ_NAME = "Europe/Warsaw"
PRODID = "-//Kajet//e-register//PL"


def _stamp(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def _lesson_event(
    o: LessonOccurrence, *, prefix: str, uid_owner: str, tz: zoneinfo.ZoneInfo, staff: bool
) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", f"lesson-{o.entry_id}-{o.date:%Y%m%d}-{o.period_number}-{uid_owner}@kajet")
    ev.add("dtstamp", _stamp(o.date))
    ev.add("dtstart", datetime.datetime.combine(o.date, o.starts_at, tzinfo=tz))
    ev.add("dtend", datetime.datetime.combine(o.date, o.ends_at, tzinfo=tz))
    summary = o.subject_name
    if staff:
        summary = f"{summary} — {o.target_name}"
    notes = [_("Teacher: %(name)s") % {"name": o.teacher_name}]
    if o.status == "substitution":
        summary = _("%(subject)s (substitution)") % {"subject": summary}
        if o.original_teacher_name:
            notes.append(_("Instead of: %(name)s") % {"name": o.original_teacher_name})
    elif o.status in ("cancelled", "moved_away"):
        summary = _("%(subject)s (cancelled)") % {"subject": summary}
        ev.add("status", "CANCELLED")
        if o.moved_to:
            notes.append(
                _("Moved to %(date)s, lesson %(number)s")
                % {"date": short_date(o.moved_to[0]), "number": o.moved_to[1]}
            )
    elif o.status == "moved_in":
        summary = _("%(subject)s (moved)") % {"subject": summary}
    if o.status not in ("cancelled", "moved_away"):
        ev.add("status", "CONFIRMED")
    if o.change_note:
        notes.append(o.change_note)
    ev.add("summary", prefix + summary)
    if o.room_name:
        ev.add("location", o.room_name)
    ev.add("description", "\n".join(notes))
    ev.add("categories", ["lesson"])
    return ev


def _calendar_event(
    e: Event, *, prefix: str, uid_owner: str, tz: zoneinfo.ZoneInfo
) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", f"event-{e.pk}-{uid_owner}@kajet")
    ev.add("dtstamp", e.created_at.astimezone(datetime.UTC))
    if e.period is not None and e.starts_on == e.ends_on:
        ev.add("dtstart", datetime.datetime.combine(e.starts_on, e.period.starts_at, tzinfo=tz))
        ev.add("dtend", datetime.datetime.combine(e.starts_on, e.period.ends_at, tzinfo=tz))
    else:
        ev.add("dtstart", e.starts_on)
        ev.add("dtend", e.ends_on + datetime.timedelta(days=1))  # DTEND of a DATE is exclusive
    subject = e.subject.name if e.subject is not None else ""
    title = f"{subject}: {e.title}" if subject and subject not in e.title else e.title
    ev.add("summary", f"{prefix}{e.get_kind_display().capitalize()}: {title}")
    if e.description:
        ev.add("description", e.description)
    ev.add("categories", [str(e.kind)])
    if e.kind == Event.Kind.DAY_OFF:
        ev.add("transp", "TRANSPARENT")
    return ev


def _homework_event(hw: Homework, *, prefix: str, uid_owner: str) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", f"homework-{hw.pk}-{uid_owner}@kajet")
    ev.add("dtstamp", hw.updated_at.astimezone(datetime.UTC))
    ev.add("dtstart", hw.due_on)
    ev.add("dtend", hw.due_on + datetime.timedelta(days=1))
    ev.add(
        "summary",
        prefix
        + _("Homework due: %(subject)s — %(title)s")
        % {"subject": hw.course.subject.name, "title": hw.title},
    )
    if hw.description:
        ev.add("description", hw.description)
    ev.add("transp", "TRANSPARENT")
    ev.add("categories", ["homework"])
    return ev


#: How long a parent meeting is shown in calendars (the register has only its start).
MEETING_LENGTH = datetime.timedelta(hours=1)


def _meeting_event(m: Meeting, *, uid_owner: str, tz: zoneinfo.ZoneInfo) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", f"meeting-{m.pk}-{uid_owner}@kajet")
    ev.add("dtstamp", m.created_at.astimezone(datetime.UTC))
    starts = datetime.datetime.combine(m.date, m.starts_at, tzinfo=tz)
    ev.add("dtstart", starts)
    ev.add("dtend", starts + MEETING_LENGTH)
    ev.add("summary", _("Parent meeting of class %(name)s") % {"name": m.school_class.name})
    if m.room:
        ev.add("location", m.room)
    ev.add("description", m.agenda)
    ev.add("categories", ["meeting"])
    return ev


def _consultation_event(
    slot: ConsultationSlot, *, uid_owner: str, tz: zoneinfo.ZoneInfo, staff: bool
) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", f"consultation-{slot.pk}-{uid_owner}@kajet")
    ev.add("dtstamp", slot.booking.booked_at.astimezone(datetime.UTC))
    ev.add("dtstart", datetime.datetime.combine(slot.date, slot.starts_at, tzinfo=tz))
    ev.add("dtend", datetime.datetime.combine(slot.date, slot.ends_at, tzinfo=tz))
    other = slot.booking.guardian if staff else slot.teacher
    ev.add("summary", _("Consultation: %(name)s") % {"name": other.full_name})
    if slot.room:
        ev.add("location", slot.room)
    ev.add("categories", ["consultation"])
    return ev


def build_feed(user: User, *, today: datetime.date) -> bytes:
    """The iCalendar body of ``user``'s feed (inside the user's school scope)."""
    tz = zoneinfo.ZoneInfo(TZ_NAME)
    start = today - datetime.timedelta(days=PAST_DAYS)
    end = today + datetime.timedelta(days=AHEAD_DAYS)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Kajet — {user.full_name}")
    cal.add("x-wr-timezone", TZ_NAME)
    items: list[icalendar.Event] = []
    if user.kind in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        if user.kind == User.Kind.STUDENT:
            family = Student.objects.filter(user=user)
        else:
            family = Student.objects.filter(guardianships__guardian=user)
        students: list[Student] = list(
            family.filter(left_on__isnull=True)
            .select_related("user")
            .order_by("user__first_name", "pk")
        )
        many = len(students) > 1
        for student in students:
            prefix = f"[{student.user.first_name}] " if many else ""
            owner = f"s{student.pk}"
            items += [
                _lesson_event(o, prefix=prefix, uid_owner=owner, tz=tz, staff=False)
                for o in lessons_for_student(student, start, end)
            ]
            items += [
                _calendar_event(e, prefix=prefix, uid_owner=owner, tz=tz)
                for e in events_for_student(student, start, end)
            ]
            items += [
                _homework_event(hw, prefix=prefix, uid_owner=owner)
                for hw in homework_due_for_student(student=student, start=start, end=end)
            ]
    else:
        owner = f"u{user.pk}"
        items += [
            _lesson_event(o, prefix="", uid_owner=owner, tz=tz, staff=True)
            for o in lessons_for_teacher(user, start, end)
        ]
        items += [
            _calendar_event(e, prefix="", uid_owner=owner, tz=tz)
            for e in events_for_teacher(user, start, end)
        ]
        items += [
            _homework_event(hw, prefix="", uid_owner=owner)
            for hw in homework_due_for_teacher(user=user, start=start, end=end)
        ]
    if user.kind != User.Kind.STUDENT:
        owner = f"u{user.pk}"
        items += [
            _meeting_event(m, uid_owner=owner, tz=tz) for m in meetings_for_feed(user, start, end)
        ]
        items += [
            _consultation_event(s, uid_owner=owner, tz=tz, staff=user.kind == User.Kind.STAFF)
            for s in consultations_for_feed(user, start, end)
        ]
    _add_all(cal, items)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _add_all(cal: icalendar.Calendar, items: Iterable[icalendar.Event]) -> None:
    for item in items:
        cal.add_component(item)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _matches(header: str, etag: str) -> bool:
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return etag in candidates or "*" in candidates


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed at its secret URL (no session: the token is the credential)."""
    row = feed_token_resolve(token)
    if row is None:
        raise Http404
    user = row.user
    today = timezone.localdate()
    # The school's home version (read with the token, no query) moves with every write of the
    # timetable, the calendar and homework — additions, edits and removals alike — so such a
    # change reaches the feed at once; other changes (meetings) within FEED_CACHE_SECONDS.
    key = f"kajet:ical:{user.pk}:{row.school.home_version}:{today.isoformat()}"
    body = cache.get(key)
    if body is None:
        with scope(school=row.school_id), translation.override(settings.LANGUAGE_CODE):
            body = build_feed(user, today=today)
        cache.set(key, body, FEED_CACHE_SECONDS)
    etag = _etag(body)
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="kajet.ics"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
