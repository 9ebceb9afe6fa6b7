"""Calendar (terminarz) pages — month, week and list views per role, adding and removing
events with the test-load policy — the policy page, and the lucky number."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import request_user
from kajet.accounts.models import Role, User
from kajet.school.access import SCHOOL_WIDE_ROLES, roles_of
from kajet.school.family import family_students
from kajet.school.models import ClassGroup, Course, SchoolClass, Student
from kajet.timetable import access, selectors, services
from kajet.timetable.forms import EventForm, PolicyForm
from kajet.timetable.models import Event
from kajet.timetable.rules import dates_between, week_start


def _calendar_for(
    request: HttpRequest, start: datetime.date, end: datetime.date
) -> tuple[list[Event], dict[str, Any]]:
    """The events the signed-in user sees between start and end, and context for the page
    (the child switcher for guardians)."""
    user = request_user(request)
    access.require(user, "calendar.view")
    roles = roles_of(user)
    extra: dict[str, Any] = {"can_add": access.can(user, "calendar.add")}
    if roles & SCHOOL_WIDE_ROLES:
        return selectors.events_for_staff(user.school_id or 0, start, end), extra
    if roles & access.FAMILY:
        students, selected = family_students(request)
        extra.update(children=students, selected=selected)
        if selected is None:
            return [], extra
        return selectors.events_for_student(selected, start, end), extra
    return selectors.events_for_teacher(user, start, end), extra


def _month_of(request: HttpRequest) -> datetime.date:
    raw = request.GET.get("miesiac", "")
    try:
        return (
            datetime.date.fromisoformat(raw + "-01") if raw else timezone.localdate().replace(day=1)
        )
    except ValueError:
        return timezone.localdate().replace(day=1)


def _by_day(events: list[Event], days: list[datetime.date]) -> dict[datetime.date, list[Event]]:
    found: dict[datetime.date, list[Event]] = {d: [] for d in days}
    for event in events:
        for day in dates_between(max(event.starts_on, days[0]), min(event.ends_on, days[-1])):
            found[day].append(event)
    return found


@login_required
def month(request: HttpRequest) -> HttpResponse:
    first = _month_of(request)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_start = week_start(first)
    grid_end = week_start(last) + datetime.timedelta(days=6)
    days = dates_between(grid_start, grid_end)
    events, extra = _calendar_for(request, grid_start, grid_end)
    by_day = _by_day(events, days)
    today = timezone.localdate()
    weeks = [
        [
            {
                "date": d,
                "in_month": d.month == first.month,
                "is_today": d == today,
                "events": by_day[d],
                "day_off": any(e.kind == Event.Kind.DAY_OFF for e in by_day[d]),
            }
            for d in days[i : i + 7]
        ]
        for i in range(0, len(days), 7)
    ]
    prev_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = last + datetime.timedelta(days=1)
    return render(
        request,
        "timetable/calendar_month.html",
        {
            **extra,
            "first": first,
            "weeks": weeks,
            "weekday_names": [WEEKDAYS_ABBR[i] for i in range(7)],
            "month_days": [c for w in weeks for c in w if c["in_month"] and c["events"]],
            "prev": prev_month.strftime("%Y-%m"),
            "next": next_month.strftime("%Y-%m"),
            "view": "month",
        },
    )


@login_required
def calendar_week(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("tydzien", "")
    try:
        monday = week_start(datetime.date.fromisoformat(raw) if raw else timezone.localdate())
    except ValueError:
        monday = week_start(timezone.localdate())
    days = dates_between(monday, monday + datetime.timedelta(days=6))
    events, extra = _calendar_for(request, days[0], days[-1])
    by_day = _by_day(events, days)
    today = timezone.localdate()
    return render(
        request,
        "timetable/calendar_week.html",
        {
            **extra,
            "monday": monday,
            "sunday": days[-1],
            "days": [{"date": d, "is_today": d == today, "events": by_day[d]} for d in days],
            "prev": (monday - datetime.timedelta(days=7)).isoformat(),
            "next": (monday + datetime.timedelta(days=7)).isoformat(),
            "view": "week",
        },
    )


@login_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events (the next 60 days by default), a table."""
    today = timezone.localdate()
    raw = request.GET.get("od", "")
    try:
        start = datetime.date.fromisoformat(raw) if raw else today
    except ValueError:
        start = today
    end = start + datetime.timedelta(days=60)
    events, extra = _calendar_for(request, start, end)
    return render(
        request,
        "timetable/calendar_list.html",
        {**extra, "events": events, "start": start, "end": end, "view": "list"},
    )


@login_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    user = request_user(request)
    _students, selected = family_students(request)
    event = access.access_event(user, event_id, selected)
    return render(
        request,
        "timetable/event_detail.html",
        {"event": event, "can_remove": access.can_remove_event(user, event)},
    )


@login_required
@require_POST
def event_remove(request: HttpRequest, event_id: int) -> HttpResponse:
    user = request_user(request)
    event = access.access_event(user, event_id)
    if not access.can_remove_event(user, event):
        raise Http404
    school = user.school
    assert school is not None
    services.event_remove(school=school, actor=user, event=event)
    messages.success(request, _("The event was removed from the calendar."))
    return redirect("timetable:calendar")


def _event_form_choices(user: User) -> dict[str, Any]:
    """What the user may choose in the event form: school-wide managers choose anything;
    teachers their own courses and the classes/groups they teach or lead."""
    manager = access.can(user, "calendar.manage")
    courses = Course.objects.filter(year__is_current=True).select_related(
        "subject", "school_class", "group", "teacher"
    )
    classes = SchoolClass.objects.filter(year__is_current=True).order_by("level", "name")
    groups = ClassGroup.objects.filter(school_class__year__is_current=True).select_related(
        "school_class"
    )
    teachers: Any = None
    scopes: list[tuple[str, Any]] = [("", "—")]
    if manager:
        scopes += [(s.value, s.label) for s in Event.Scope]
        teachers = (
            User.objects.filter(
                school_id=user.school_id or 0, kind=User.Kind.STAFF, role_rows__role=Role.TEACHER
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
    else:
        scopes += [(s.value, s.label) for s in (Event.Scope.CLASSES, Event.Scope.GROUP)]
        courses = courses.filter(teacher=user)
        own = Course.objects.filter(teacher=user, year__is_current=True)
        led = SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True)
        classes = classes.filter(pk__in=own.values("school_class_id")) | classes.filter(
            pk__in=led.values("pk")
        )
        groups = groups.filter(school_class__in=classes.values("pk"))
    return {
        "courses": courses,
        "classes": classes.distinct(),
        "groups": groups,
        "teachers": teachers,
        "scopes": scopes,
    }


@login_required
def event_add(request: HttpRequest) -> HttpResponse:
    """Add a test, quiz, trip, meeting, day off… A test that breaks the school's test-load
    policy is refused, or — when the policy only warns — shown back with the warning and a
    checkbox to confirm."""
    user = request_user(request)
    access.require(user, "calendar.add")
    choices = _event_form_choices(user)
    initial = {"starts_on": request.GET.get("data") or None}
    form = EventForm(request.POST or None, initial=initial, **choices)
    warnings: list[str] = []
    refused = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        course = data["course"]
        classes: list[SchoolClass] = list(data["classes"])
        group = data["group"]
        scope = data["scope"]
        if course is not None:
            if course.group_id:
                scope, group, classes = Event.Scope.GROUP, course.group, []
            else:
                scope, group, classes = Event.Scope.CLASSES, None, [course.school_class]
        school = user.school
        assert school is not None
        try:
            event = services.event_add(
                school=school,
                actor=user,
                kind=data["kind"],
                scope=scope,
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                today=timezone.localdate(),
                classes=classes,
                group=group,
                teacher=data.get("teacher"),
                course=course,
                period=data["period"],
                description=data["description"],
                confirmed=data["confirm"],
            )
        except services.TestLoadError as error:
            warnings = error.check.messages()
            refused = error.check.refuse
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            messages.success(request, _("Added to the calendar: %(t)s") % {"t": event.title})
            return redirect("timetable:event", event.pk)
    return render(
        request,
        "timetable/event_form.html",
        {"form": form, "warnings": warnings, "refused": refused},
        status=400 if (warnings or form.errors) else 200,
    )


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    """The school's test-load policy and the lucky-number switch (administrator)."""
    user = request_user(request)
    access.require(user, "calendar.policy")
    current = selectors.calendar_policy(user.school_id or 0)
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        school = user.school
        assert school is not None
        services.calendar_policy_update(school=school, actor=user, **form.cleaned_data)
        messages.success(request, _("The policy is saved."))
        return redirect("timetable:policy")
    return render(request, "timetable/policy.html", {"form": form})


@login_required
def lucky(request: HttpRequest) -> HttpResponse:
    """Today's lucky number and the next school day's (drawn on first read)."""
    user = request_user(request)
    access.require(user, "lucky.view")
    today = timezone.localdate()
    enabled = selectors.calendar_policy(user.school_id or 0).lucky_number_enabled
    todays, (following, following_number) = (None, (None, None))
    if enabled:
        todays, (following, following_number) = selectors.lucky_number_today_and_next(
            user.school_id or 0, today
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
