"""Timetable pages: week views (own, class, teacher, room, print), the administrator's plan
versions, class grid, rooms and lesson changes."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import request_user
from kajet.accounts.models import Role, User
from kajet.school.access import roles_of
from kajet.school.family import family_students
from kajet.school.models import Course, LessonPeriod, SchoolClass, SchoolYear
from kajet.timetable import access, selectors, services
from kajet.timetable.forms import LessonChangeForm, PlanForm, RoomForm, course_label, grid_label
from kajet.timetable.models import (
    WEEKDAYS,
    Event,
    LessonChange,
    Room,
    TimetableEntry,
    TimetablePlan,
)
from kajet.timetable.rules import week_start
from kajet.timetable.selectors import LessonOccurrence

#: How many lessons of one class may share a cell of the grid (two groups of a split class).
CELL_SLOTS = 2


def default_week(today: datetime.date) -> datetime.date:
    """This week's Monday; at the weekend the coming week's (what a family plans for)."""
    if today.weekday() >= 5:
        return week_start(today + datetime.timedelta(days=7))
    return week_start(today)


def _week_of(request: HttpRequest) -> datetime.date:
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
    request: HttpRequest,
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
    periods = list(LessonPeriod.objects.all())
    # Rows up to the last lesson of the week (a young class's afternoon stays off the page).
    last = max((lesson.period_number for lesson in lessons), default=0)
    periods = [p for p in periods if p.number <= max(last, 1)]
    days_off: dict[datetime.date, str] = {}
    for event in events:
        if event.kind == Event.Kind.DAY_OFF:
            for day in days:
                if event.starts_on <= day <= event.ends_on:
                    days_off.setdefault(day, event.title)
    by_slot: dict[tuple[datetime.date, int], list[LessonOccurrence]] = {}
    for lesson in lessons:
        by_slot.setdefault((lesson.date, lesson.period_number), []).append(lesson)
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
        {**col, "lessons": [lesson for lesson in lessons if lesson.date == col["date"]]}
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
        "can_change": access.can(request.user, "timetable.changes"),
    }


def _render_week(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    template = "timetable/week_print.html" if request.GET.get("druk") else "timetable/week.html"
    return render(request, template, context)


@login_required
def week(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own week: a family member's (chosen) student, a teacher's
    lessons. Other staff go to the overview of classes, teachers and rooms."""
    user = request_user(request)
    roles = roles_of(user)
    monday = _week_of(request)
    friday = monday + datetime.timedelta(days=4)
    if roles & access.FAMILY:
        students, selected = family_students(request)
        if selected is None:
            return render(request, "timetable/no_student.html", {})
        context = _week_context(
            request,
            lessons=selectors.lessons_for_student(selected, monday, friday),
            events=selectors.events_for_student(selected, monday, friday),
            monday=monday,
            title=_("Timetable — %(name)s, class %(cls)s")
            % {"name": selected.user.full_name, "cls": selected.school_class.name},
            show_target=False,
        )
        context.update(children=students, selected=selected)
        return _render_week(request, context)
    if roles & access.STAFF_TEACHING:
        context = _week_context(
            request,
            lessons=selectors.lessons_for_teacher(user, monday, friday),
            events=selectors.events_for_teacher(user, monday, friday),
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
def overview(request: HttpRequest) -> HttpResponse:
    """Links to every class's, teacher's and room's week (staff)."""
    user = request_user(request)
    access.require(user, "timetable.view_school")
    classes = SchoolClass.objects.filter(year__is_current=True).order_by("level", "name")
    teachers = (
        User.objects.filter(
            school_id=user.school_id or 0, kind=User.Kind.STAFF, role_rows__role=Role.TEACHER
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
def class_week(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
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
def teacher_week(request: HttpRequest, teacher_id: int) -> HttpResponse:
    user = request_user(request)
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
def room_week(request: HttpRequest, room_id: int) -> HttpResponse:
    user = request_user(request)
    room = access.access_room(user, room_id)
    monday = _week_of(request)
    friday = monday + datetime.timedelta(days=4)
    off = [
        e
        for e in selectors.events_for_staff(user.school_id or 0, monday, friday)
        if e.kind == Event.Kind.DAY_OFF and e.scope == Event.Scope.SCHOOL
    ]
    context = _week_context(
        request,
        lessons=selectors.lessons_for_room(room, monday, friday),
        events=off,
        monday=monday,
        title=_("Timetable — room %(name)s") % {"name": room.name},
        show_target=True,
    )
    context["overview"] = True
    return _render_week(request, context)


# --- Administration -------------------------------------------------------------------------


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Plan versions (new version copies the one before), rooms, and links to class grids."""
    user = request_user(request)
    access.require(user, "timetable.manage")
    year = SchoolYear.objects.filter(is_current=True).first()
    plan_form = PlanForm(prefix="plan")
    room_form = RoomForm(prefix="room")
    if request.method == "POST":
        school = user.school
        assert school is not None
        if "plan-valid_from" in request.POST:
            plan_form = PlanForm(request.POST, prefix="plan")
            if plan_form.is_valid() and year is not None:
                try:
                    plan = services.timetable_plan_create(
                        school=school,
                        actor=user,
                        year=year,
                        valid_from=plan_form.cleaned_data["valid_from"],
                        name=plan_form.cleaned_data["name"],
                    )
                except ValidationError as error:
                    plan_form.add_error("valid_from", error)
                else:
                    messages.success(request, _("Timetable version %(p)s added.") % {"p": plan})
                    return redirect("timetable:manage")
        else:
            room_form = RoomForm(request.POST, prefix="room")
            if room_form.is_valid():
                try:
                    services.room_add(school=school, actor=user, **room_form.cleaned_data)
                except ValidationError as error:
                    room_form.add_error("name", error)
                else:
                    messages.success(request, _("Room added."))
                    return redirect("timetable:manage")
    plans = list(TimetablePlan.objects.select_related("year").order_by("-valid_from"))
    classes = list(SchoolClass.objects.filter(year__is_current=True).order_by("level", "name"))
    return render(
        request,
        "timetable/manage.html",
        {
            "plans": plans,
            "classes": classes,
            "rooms": list(Room.objects.all()),
            "plan_form": plan_form,
            "room_form": room_form,
            "year": year,
        },
    )


@login_required
def grid(request: HttpRequest, plan_id: int, class_id: int) -> HttpResponse:
    """The administrator's weekday × period grid of one class in one plan version; saving
    replaces the class's lessons all or nothing (conflicts refused with their names)."""
    user = request_user(request)
    plan = access.access_plan(user, plan_id)
    school_class = access.access_manage_class(user, class_id)
    periods = list(LessonPeriod.objects.all())
    courses = list(
        Course.objects.filter(school_class=school_class, year=plan.year).select_related(
            "subject", "school_class", "group", "teacher"
        )
    )
    rooms = list(Room.objects.all())
    current = list(
        TimetableEntry.objects.filter(plan=plan, course__school_class=school_class).order_by(
            "weekday", "period__number", "course__group__name", "id"
        )
    )
    values: dict[str, str] = {}
    for entry in current:
        for k in range(CELL_SLOTS):
            key = f"{entry.weekday}-{entry.period_id}-{k}"
            if f"c-{key}" not in values:
                values[f"c-{key}"] = str(entry.course_id)
                values[f"r-{key}"] = str(entry.room_id or "")
                break
    errors: list[str] = []
    if request.method == "POST":
        values = {k: str(v) for k, v in request.POST.items() if k[:2] in ("c-", "r-")}
        course_ids = {c.pk for c in courses}
        room_ids = {r.pk for r in rooms}
        cells: list[services.CellInput] = []
        for weekday, _name in WEEKDAYS:
            for period in periods:
                for k in range(CELL_SLOTS):
                    key = f"{weekday}-{period.pk}-{k}"
                    raw_course = values.get(f"c-{key}", "")
                    raw_room = values.get(f"r-{key}", "")
                    if not raw_course:
                        continue
                    try:
                        course_id = int(raw_course)
                        room_id = int(raw_room) if raw_room else None
                    except ValueError:
                        raise Http404 from None
                    if course_id not in course_ids or (room_id and room_id not in room_ids):
                        raise Http404
                    cells.append(services.CellInput(weekday, period.pk, course_id, room_id))
        school = user.school
        assert school is not None
        try:
            count = services.timetable_class_save(
                school=school, actor=user, plan=plan, school_class=school_class, cells=cells
            )
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(
                request,
                _("Timetable of class %(cls)s saved (%(n)s lessons a week).")
                % {"cls": school_class.name, "n": count},
            )
            return redirect("timetable:grid", plan.pk, school_class.pk)
    rows = []
    for period in periods:
        cells_out = []
        for weekday, day_name in WEEKDAYS:
            slots = []
            for k in range(CELL_SLOTS):
                key = f"{weekday}-{period.pk}-{k}"
                slots.append(
                    {
                        "key": key,
                        "k": k,
                        "course": values.get(f"c-{key}", ""),
                        "room": values.get(f"r-{key}", ""),
                    }
                )
            cells_out.append({"day_name": day_name, "slots": slots})
        rows.append({"period": period, "cells": cells_out})
    return render(
        request,
        "timetable/grid.html",
        {
            "plan": plan,
            "school_class": school_class,
            "rows": rows,
            "weekdays": [name for _n, name in WEEKDAYS],
            "courses": [(str(c.pk), grid_label(c)) for c in courses],
            "rooms": [(str(r.pk), r.name) for r in rooms],
            "errors": errors,
            "other_classes": list(
                SchoolClass.objects.filter(year=plan.year).order_by("level", "name")
            ),
        },
        status=400 if errors else 200,
    )


@login_required
def changes(request: HttpRequest) -> HttpResponse:
    """Lesson changes from this week on (newest dates last), for the administrator."""
    user = request_user(request)
    access.require(user, "timetable.changes")
    since = week_start(timezone.localdate())
    rows = list(
        LessonChange.objects.filter(date__gte=since)
        .select_related(
            "entry__course__subject",
            "entry__course__school_class",
            "entry__course__group",
            "entry__course__teacher",
            "entry__period",
            "new_teacher",
            "new_room",
            "new_period",
            "new_course__subject",
        )
        .order_by("date", "entry__period__number")
    )
    return render(request, "timetable/changes.html", {"rows": rows, "since": since})


@login_required
def change_add(request: HttpRequest, entry_id: int, date: str) -> HttpResponse:
    """Substitute, cancel or move one lesson on one date."""
    user = request_user(request)
    entry = access.access_entry_for_change(user, entry_id)
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    year = entry.plan.year
    if day.weekday() != entry.weekday or not (
        entry.plan.valid_from <= day and year.starts_on <= day <= year.ends_on
    ):
        raise Http404
    form = LessonChangeForm(
        request.POST or None,
        school_id=user.school_id or 0,
        school_class=entry.course.school_class,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = user.school
        assert school is not None
        try:
            services.lesson_change_add(
                school=school,
                actor=user,
                entry=entry,
                date=day,
                kind=data["kind"],
                new_teacher=data["new_teacher"],
                new_course=data["new_course"],
                new_room=data["new_room"],
                new_date=data["new_date"],
                new_period=data["new_period"],
                note=data["note"],
            )
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            messages.success(request, _("The change is saved and the class is notified."))
            return redirect(
                reverse("timetable:class_week", args=[entry.course.school_class_id])
                + f"?tydzien={week_start(day).isoformat()}"
            )
    return render(
        request,
        "timetable/change_form.html",
        {"form": form, "entry": entry, "day": day, "lesson_label": course_label(entry.course)},
    )


@login_required
@require_POST
def change_remove(request: HttpRequest, change_id: int) -> HttpResponse:
    user = request_user(request)
    change = access.access_change(user, change_id)
    school = user.school
    assert school is not None
    services.lesson_change_remove(school=school, actor=user, change=change)
    messages.success(request, _("The change was withdrawn."))
    return redirect("timetable:changes")
