"""Calendar (terminarz) pages — month, week and list views per role, adding, editing and
removing events with the test-load policy — the policy page, and the lucky number."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.school.access import SCHOOL_WIDE_ROLES, roles_of
from kajet.school.family import family_students
from kajet.school.models import Student
from kajet.timetable import access, month_cache, selectors, services
from kajet.timetable.agenda import month_agenda
from kajet.timetable.caching import school_cached, school_key, student_parts
from kajet.timetable.calendar_items import CalendarItem, calendar_items_for, items_by_day
from kajet.timetable.forms import EventForm, PolicyForm
from kajet.timetable.models import Event
from kajet.timetable.rules import dates_between, week_start


def _calendar_source(
    request: AuthedRequest, start: datetime.date, end: datetime.date
) -> tuple[tuple[Any, ...], Callable[[], list[Event]], dict[str, Any]]:
    """Whose events the signed-in user sees — the key parts of their cache entry (the whole
    school, a class and its groups, a teacher) and how to read them — and context for the
    page (the child switcher for guardians)."""
    user = request.user
    access.require(user, "calendar.view")
    roles = roles_of(user)
    extra: dict[str, Any] = {"can_add": access.can(user, "calendar.add")}
    if roles & SCHOOL_WIDE_ROLES:
        return ("school",), lambda: selectors.events_for_staff(user.school_pk, start, end), extra
    if roles & access.FAMILY:
        students, selected = family_students(request)
        extra.update(children=students, selected=selected)
        if selected is None:
            return ("nobody",), list, extra
        return (
            student_parts(selected),
            lambda: selectors.events_for_student(selected, start, end),
            extra,
        )
    return ("teacher", user.pk), lambda: selectors.events_for_teacher(user, start, end), extra


def _events(
    request: AuthedRequest, parts: tuple[Any, ...], load: Callable[[], list[Event]], *dates: Any
) -> list[Event]:
    """The events through the cache: the same for the whole school, class (and groups) or
    teacher until a calendar write moves the school's version
    (docs/adr/0012-landing-pages-cache.md)."""
    if parts == ("nobody",):
        return load()
    return school_cached(request.user, ("events", *parts, *dates), load)


def _calendar_for(
    request: AuthedRequest, start: datetime.date, end: datetime.date
) -> tuple[list[Event], dict[str, Any]]:
    """The events the signed-in user sees between start and end, and context for the page
    (the child switcher for guardians)."""
    parts, load, extra = _calendar_source(request, start, end)
    return _events(request, parts, load, start, end), extra


@dataclass(frozen=True)
class _Line:
    """An event as the month and week show it: its line rendered once, shown on every day it
    covers (and in the month's agenda for a phone)."""

    starts_on: datetime.date
    ends_on: datetime.date
    kind: str
    html: str

    #: Templates that list events and items together tell them apart by this.
    is_item: ClassVar[bool] = False


def _lines(events: list[Event]) -> list[_Line]:
    template = get_template("timetable/_event_line.html")
    return [_Line(e.starts_on, e.ends_on, e.kind, template.render({"e": e})) for e in events]


def _items_for(
    request: AuthedRequest, start: datetime.date, end: datetime.date
) -> list[CalendarItem]:
    """The signed-in user's own items from other apps (a class meeting, a booked
    consultation): the viewer's, whichever child a guardian has chosen."""
    return calendar_items_for(request.user, start, end)


def _month_of(request: AuthedRequest) -> datetime.date:
    raw = request.GET.get("miesiac", "")
    try:
        return (
            datetime.date.fromisoformat(raw + "-01") if raw else timezone.localdate().replace(day=1)
        )
    except ValueError:
        return timezone.localdate().replace(day=1)


def _by_day(events: list[_Line], days: list[datetime.date]) -> dict[datetime.date, list[_Line]]:
    found: dict[datetime.date, list[_Line]] = {d: [] for d in days}
    for event in events:
        for day in dates_between(max(event.starts_on, days[0]), min(event.ends_on, days[-1])):
            found[day].append(event)
    return found


def _month_body(
    first: datetime.date,
    last: datetime.date,
    days: list[datetime.date],
    found: list[Event],
    items: list[CalendarItem],
    today: datetime.date,
) -> str:
    """The month's grid (wide screens) and its agenda (a phone), rendered."""
    events = _lines(found)
    by_day = _by_day(events, days)
    items_of = items_by_day(items, days)
    weeks = [
        [
            {
                "date": d,
                "in_month": d.month == first.month,
                "is_today": d == today,
                "events": by_day[d],
                "items": items_of[d],
                "day_off": any(e.kind == Event.Kind.DAY_OFF for e in by_day[d]),
            }
            for d in days[i : i + 7]
        ]
        for i in range(0, len(days), 7)
    ]
    return get_template("timetable/_calendar_month_body.html").render(
        {
            "first": first,
            "weeks": weeks,
            "weekday_names": [WEEKDAYS_ABBR[i] for i in range(7)],
            "agenda": month_agenda([*events, *items], first, last, today),
        }
    )


@login_required
def month(request: AuthedRequest) -> HttpResponse:
    first = _month_of(request)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_start = week_start(first)
    grid_end = week_start(last) + datetime.timedelta(days=6)
    days = dates_between(grid_start, grid_end)
    parts, load, extra = _calendar_source(request, grid_start, grid_end)
    items = _items_for(request, grid_start, grid_end)
    today = timezone.localdate()
    # Rendered once per events' entry, items, month, day and language (month_cache.py); the
    # events are read only to render it.
    key = school_key(
        request.user,
        "month",
        month_cache.CODE_VERSION,
        *parts,
        first,
        today,
        get_language(),
        month_cache.items_digest(items),
    )
    body = cache.get(key)
    if body is None:
        found = _events(request, parts, load, grid_start, grid_end)
        body = _month_body(first, last, days, found, items, today)
        cache.set(key, body, month_cache.MONTH_CACHE_SECONDS)
    prev_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = last + datetime.timedelta(days=1)
    return render(
        request,
        "timetable/calendar_month.html",
        {
            **extra,
            "first": first,
            "body": mark_safe(body),  # noqa: S308 — our own template's output
            "prev": prev_month.strftime("%Y-%m"),
            "next": next_month.strftime("%Y-%m"),
            "view": "month",
        },
    )


@login_required
def calendar_week(request: AuthedRequest) -> HttpResponse:
    raw = request.GET.get("tydzien", "")
    try:
        monday = week_start(datetime.date.fromisoformat(raw) if raw else timezone.localdate())
    except ValueError:
        monday = week_start(timezone.localdate())
    days = dates_between(monday, monday + datetime.timedelta(days=6))
    events, extra = _calendar_for(request, days[0], days[-1])
    by_day = _by_day(_lines(events), days)
    items_of = items_by_day(_items_for(request, days[0], days[-1]), days)
    today = timezone.localdate()
    return render(
        request,
        "timetable/calendar_week.html",
        {
            **extra,
            "monday": monday,
            "sunday": days[-1],
            "days": [
                {"date": d, "is_today": d == today, "events": by_day[d], "items": items_of[d]}
                for d in days
            ],
            "prev": (monday - datetime.timedelta(days=7)).isoformat(),
            "next": (monday + datetime.timedelta(days=7)).isoformat(),
            "view": "week",
        },
    )


@login_required
def calendar_list(request: AuthedRequest) -> HttpResponse:
    """Upcoming events and the user's items (the next 60 days by default), a table."""
    today = timezone.localdate()
    raw = request.GET.get("od", "")
    try:
        start = datetime.date.fromisoformat(raw) if raw else today
    except ValueError:
        start = today
    end = start + datetime.timedelta(days=60)
    events, extra = _calendar_for(request, start, end)
    items = _items_for(request, start, end)
    # By first day; on a day the events first, then the items by time (the sort is stable).
    rows: list[Event | CalendarItem] = [*events, *items]
    rows.sort(key=lambda e: e.starts_on)
    return render(
        request,
        "timetable/calendar_list.html",
        {**extra, "events": rows, "start": start, "end": end, "view": "list"},
    )


@login_required
def event_detail(request: AuthedRequest, event_id: int) -> HttpResponse:
    user = request.user
    _students, selected = family_students(request)
    try:
        event = access.access_event(user, event_id, selected)
    except Http404:
        # A link from a notification or an old page to an event removed since: say so (410).
        removed = access.access_removed_event(user, event_id, selected)
        return render(
            request,
            "timetable/event_removed.html",
            {"event": removed, "show_who": access.can_edit_event(user, removed)},
            status=410,
        )
    can_edit = access.can_edit_event(user, event)
    return render(
        request,
        "timetable/event_detail.html",
        {
            "event": event,
            "can_remove": access.can_remove_event(user, event),
            "can_edit": can_edit,
            # Who changed what and when: for the people who may change it.
            "changes": selectors.event_history(event) if can_edit else [],
        },
    )


@login_required
@require_POST
def event_remove(request: AuthedRequest, event_id: int) -> HttpResponse:
    user = request.user
    event = access.access_event(user, event_id)
    if not access.can_remove_event(user, event):
        raise Http404
    school = request.school
    try:
        services.event_remove(school=school, actor=user, event=event)
    except ValidationError as error:  # removed by someone else in the meantime
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The event was removed from the calendar."))
    return redirect("timetable:calendar")


def _event_fields(form: EventForm) -> dict[str, Any]:
    data = form.cleaned_data
    event = services.EventInput(
        kind=data["kind"],
        scope=data["scope"],
        title=data["title"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        classes=list(data["classes"]),
        group=data["group"],
        teacher=data.get("teacher"),
        course=data["course"],
        period=data["period"],
        description=data["description"],
        confirmed=data["confirm"],
    )
    return {**event.service_fields(), "today": timezone.localdate()}


def _event_form_page(
    request: AuthedRequest,
    form: EventForm,
    save: Any,
    *,
    event: Event | None = None,
) -> HttpResponse:
    """The add and edit pages: save through ``save(**fields)``; a test that breaks the
    school's test-load policy is refused, or — when the policy only warns — shown back with
    the warning and a checkbox to confirm."""
    warnings: list[str] = []
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(**_event_fields(form))
        except services.TestLoadError as error:
            warnings = error.check.messages()
            refused = error.check.refuse
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            if event is None:
                messages.success(request, _("Added to the calendar: %(t)s") % {"t": saved.title})
            else:
                messages.success(request, _("The event is saved: %(t)s") % {"t": saved.title})
            return redirect("timetable:event", saved.pk)
    return render(
        request,
        "timetable/event_form.html",
        {"form": form, "warnings": warnings, "refused": refused, "event": event},
        status=400 if (warnings or form.errors) else 200,
    )


@login_required
def event_add(request: AuthedRequest) -> HttpResponse:
    """Add a test, quiz, trip, meeting, day off…"""
    user = request.user
    access.require(user, "calendar.add")
    initial = {"starts_on": request.GET.get("data") or None}
    form = EventForm(request.POST or None, initial=initial, **access.event_choices(user))
    school = request.school
    return _event_form_page(
        request,
        form,
        lambda **fields: services.event_add(school=school, actor=user, **fields),
    )


@login_required
def event_edit(request: AuthedRequest, event_id: int) -> HttpResponse:
    """Edit an event (its author or a calendar manager): the add form, filled in."""
    user = request.user
    event = access.access_event_for_edit(user, event_id)
    initial = {
        "kind": event.kind,
        "course": event.course_id,
        "title": event.title,
        "starts_on": event.starts_on,
        "ends_on": services.event_ends_on_kept(event),
        "period": event.period_id,
        "scope": event.scope,
        "classes": [c.pk for c in event.classes.all()],
        "group": event.group_id,
        "teacher": event.teacher_id,
        "description": event.description,
    }
    form = EventForm(request.POST or None, initial=initial, **access.event_choices(user))
    form.fields["confirm"].label = _(
        "I know this breaks the school's test-load policy; save it anyway"
    )
    school = request.school
    return _event_form_page(
        request,
        form,
        lambda **fields: services.event_update(school=school, actor=user, event=event, **fields),
        event=event,
    )


@login_required
def policy(request: AuthedRequest) -> HttpResponse:
    """The school's test-load policy and the lucky-number switch (administrator)."""
    user = request.user
    access.require(user, "calendar.policy")
    current = selectors.calendar_policy(user.school_pk)
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        school = request.school
        services.calendar_policy_update(school=school, actor=user, **form.cleaned_data)
        messages.success(request, _("The policy is saved."))
        return redirect("timetable:policy")
    return render(request, "timetable/policy.html", {"form": form})


@login_required
def lucky(request: AuthedRequest) -> HttpResponse:
    """Today's lucky number and the next school day's (drawn on first read)."""
    user = request.user
    access.require(user, "lucky.view")
    today = timezone.localdate()
    enabled = selectors.calendar_policy(user.school_pk).lucky_number_enabled
    todays, (following, following_number) = (None, (None, None))
    if enabled:
        todays, (following, following_number) = selectors.lucky_number_today_and_next(
            user.school_pk, today
        )
    own_numbers: list[Student] = []
    if roles_of(user) & access.FAMILY:
        own_numbers, _selected = family_students(request)
    return render(
        request,
        "timetable/lucky.html",
        {
            "enabled": enabled,
            "today": today,
            "todays": todays,
            "following": following,
            "following_number": following_number,
            "own_numbers": own_numbers,
        },
    )
