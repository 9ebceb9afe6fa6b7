"""Week views of the timetable: one's own, a class's, a teacher's, a room's, the overview."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import Role, User
from kajet.school.access import roles_of
from kajet.school.family import family_students
from kajet.school.models import LessonPeriod, SchoolClass
from kajet.timetable import access, selectors
from kajet.timetable.caching import school_cached, student_parts
from kajet.timetable.models import (
    WEEKDAYS,
    Event,
    Room,
)
from kajet.timetable.rooms import room_label
from kajet.timetable.rules import week_start
from kajet.timetable.selectors import LessonOccurrence


def default_week(today: datetime.date) -> datetime.date:
    """This week's Monday; at the weekend the coming week's (what a family plans for)."""
    if today.weekday() >= 5:
        return week_start(today + datetime.timedelta(days=7))
    return week_start(today)


def _week_of(request: AuthedRequest) -> datetime.date:
    """The Monday of the week asked for (?tydzien=YYYY-MM-DD), the current one by default."""
    raw = request.GET.get("tydzien", "")
    try:
        return (
            week_start(datetime.date.fromisoformat(raw))
            if raw
            else default_week(timezone.localdate())
        )
    except ValueError:
        return default_week(timezone.localdate())


def _week_context(
    request: AuthedRequest,
    *,
    lessons: list[LessonOccurrence],
    events: list[Event],
    monday: datetime.date,
    title: str,
    show_target: bool,
    show_teacher: bool = True,
) -> dict[str, Any]:
    today = timezone.localdate()
    days = [monday + datetime.timedelta(days=i) for i in range(5)]
    periods = school_cached(request.user, ("periods",), lambda: list(LessonPeriod.objects.all()))
    # Rows up to the last lesson of the week (a young class's afternoon stays off the page).
    last = max((lesson.period_number for lesson in lessons), default=0)
    periods = [p for p in periods if p.number <= max(last, 1)]
    days_off: dict[datetime.date, str] = {}
    for event in events:
        if event.kind == Event.Kind.DAY_OFF:
            for day in days:
                if event.starts_on <= day <= event.ends_on:
                    days_off.setdefault(day, event.title)
    can_change = access.can(request.user, "timetable.changes")
    # Each lesson is rendered once and shown twice (the grid and the narrow screen's days).
    lesson_template = get_template("timetable/_lesson.html")
    shown = {
        "show_target": show_target,
        "show_teacher": show_teacher,
        "can_change": can_change,
        "print": bool(request.GET.get("druk")),
    }
    items: list[dict[str, Any]] = [
        {"o": o, "html": lesson_template.render({**shown, "o": o})} for o in lessons
    ]
    by_slot: dict[tuple[datetime.date, int], list[dict[str, Any]]] = {}
    for item in items:
        by_slot.setdefault((item["o"].date, item["o"].period_number), []).append(item)
    names = dict(WEEKDAYS)
    columns: list[dict[str, Any]] = [
        {"date": d, "name": names[d.weekday()], "is_today": d == today, "day_off": days_off.get(d)}
        for d in days
    ]
    rows = [
        {
            "period": p,
            "cells": [
                {"col": col, "lessons": by_slot.get((col["date"], p.number), [])} for col in columns
            ],
        }
        for p in periods
    ]
    day_lists = [
        {**col, "lessons": [item for item in items if item["o"].date == col["date"]]}
        for col in columns
    ]
    week_events = [e for e in events if e.kind != Event.Kind.DAY_OFF]
    query = request.GET.copy()
    query.pop("tydzien", None)
    query.pop("druk", None)
    base = request.path + "?" + (query.urlencode() + "&" if query else "")
    return {
        "title": title,
        "monday": monday,
        "friday": days[-1],
        "columns": columns,
        "rows": rows,
        "day_lists": day_lists,
        "events": week_events,
        "changes": [lesson for lesson in lessons if lesson.is_changed],
        "show_target": show_target,
        "show_teacher": show_teacher,
        "prev_url": f"{base}tydzien={(monday - datetime.timedelta(days=7)).isoformat()}",
        "next_url": f"{base}tydzien={(monday + datetime.timedelta(days=7)).isoformat()}",
        "this_week_url": request.path + ("?" + query.urlencode() if query else ""),
        "print_url": f"{base}tydzien={monday.isoformat()}&druk=1",
        "week_url": f"{base}tydzien={monday.isoformat()}",
        "is_this_week": monday == default_week(today),
        "can_change": can_change,
    }


def _render_week(request: AuthedRequest, context: dict[str, Any]) -> HttpResponse:
    template = "timetable/week_print.html" if request.GET.get("druk") else "timetable/week.html"
    return render(request, template, context)


@login_required
def week(request: AuthedRequest) -> HttpResponse:
    """The signed-in user's own week: a family member's (chosen) student, a teacher's
    lessons. Other staff go to the overview of classes, teachers and rooms."""
    user = request.user
    roles = roles_of(user)
    monday = _week_of(request)
    friday = monday + datetime.timedelta(days=4)
    if roles & access.FAMILY:
        students, selected = family_students(request)
        if selected is None:
            return render(request, "timetable/no_student.html", {})
        lessons, events = school_cached(
            user,
            ("week", *student_parts(selected), monday),
            lambda: (
                selectors.lessons_for_student(selected, monday, friday),
                selectors.events_for_student(selected, monday, friday),
            ),
        )
        context = _week_context(
            request,
            lessons=lessons,
            events=events,
            monday=monday,
            title=_("Timetable — %(name)s, class %(cls)s")
            % {"name": selected.user.full_name, "cls": selected.school_class.name},
            show_target=False,
        )
        context.update(children=students, selected=selected)
        return _render_week(request, context)
    if roles & access.STAFF_TEACHING:
        lessons, events = school_cached(
            user,
            ("week", "teacher", user.pk, monday),
            lambda: (
                selectors.lessons_for_teacher(user, monday, friday),
                selectors.events_for_teacher(user, monday, friday),
            ),
        )
        context = _week_context(
            request,
            lessons=lessons,
            events=events,
            monday=monday,
            title=_("My timetable"),
            show_target=True,
            show_teacher=False,
        )
        context["overview"] = True
        return _render_week(request, context)
    if access.can(user, "timetable.view_school"):
        return redirect("timetable:overview")
    raise Http404


@login_required
def overview(request: AuthedRequest) -> HttpResponse:
    """Links to every class's, teacher's and room's week (staff)."""
    user = request.user
    access.require(user, "timetable.view_school")
    classes = SchoolClass.objects.filter(year__is_current=True).order_by("level", "name")
    teachers = (
        User.objects.filter(
            school_id=user.school_pk, kind=User.Kind.STAFF, role_rows__role=Role.TEACHER
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
    return render(
        request,
        "timetable/overview.html",
        {
            "classes": list(classes),
            "teachers": list(teachers),
            "rooms": list(Room.objects.all()),
            "can_manage": access.can(user, "timetable.manage"),
            "can_change": access.can(user, "timetable.changes"),
        },
    )


@login_required
def class_week(request: AuthedRequest, class_id: int) -> HttpResponse:
    user = request.user
    school_class = access.access_class(user, class_id)
    monday = _week_of(request)
    friday = monday + datetime.timedelta(days=4)
    context = _week_context(
        request,
        lessons=selectors.lessons_for_class(school_class, monday, friday),
        events=selectors.events_for_class(school_class, monday, friday),
        monday=monday,
        title=_("Timetable — class %(cls)s") % {"cls": school_class.name},
        show_target=False,
    )
    context["overview"] = True
    return _render_week(request, context)


@login_required
def teacher_week(request: AuthedRequest, teacher_id: int) -> HttpResponse:
    user = request.user
    teacher = access.access_teacher(user, teacher_id)
    monday = _week_of(request)
    friday = monday + datetime.timedelta(days=4)
    context = _week_context(
        request,
        lessons=selectors.lessons_for_teacher(teacher, monday, friday),
        events=selectors.events_for_teacher(teacher, monday, friday),
        monday=monday,
        title=_("Timetable — %(name)s") % {"name": teacher.full_name},
        show_target=True,
        show_teacher=False,
    )
    context["overview"] = True
    return _render_week(request, context)


@login_required
def room_week(request: AuthedRequest, room_id: int) -> HttpResponse:
    user = request.user
    room = access.access_room(user, room_id)
    monday = _week_of(request)
    friday = monday + datetime.timedelta(days=4)
    off = [
        e
        for e in selectors.events_for_staff(user.school_pk, monday, friday)
        if e.kind == Event.Kind.DAY_OFF and e.scope == Event.Scope.SCHOOL
    ]
    context = _week_context(
        request,
        lessons=selectors.lessons_for_room(room, monday, friday),
        events=off,
        monday=monday,
        title=_("Timetable — %(room)s") % {"room": room_label(room.name)},
        show_target=True,
    )
    context["overview"] = True
    return _render_week(request, context)
