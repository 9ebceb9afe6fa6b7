"""The administrator's timetable: plan versions, rooms and the class grid."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kajet.accounts.http import AuthedRequest
from kajet.core.numbers import parse_id
from kajet.school.models import Course, LessonPeriod, SchoolClass, SchoolYear
from kajet.timetable import access, services
from kajet.timetable.forms import PlanForm, RoomForm, grid_label
from kajet.timetable.models import (
    WEEKDAYS,
    Room,
    TimetableEntry,
    TimetablePlan,
)

#: How many lessons of one class may share a cell of the grid (two groups of a split class).
CELL_SLOTS = 2


@login_required
def manage(request: AuthedRequest) -> HttpResponse:
    """Plan versions (new version copies the one before), rooms, and links to class grids."""
    user = request.user
    access.require(user, "timetable.manage")
    year = SchoolYear.objects.filter(is_current=True).first()
    plan_form = PlanForm(prefix="plan")
    room_form = RoomForm(prefix="room")
    if request.method == "POST":
        school = request.school
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


def _grid_values(entries: list[TimetableEntry]) -> dict[str, str]:
    """The grid's field values (``c-<day>-<period>-<slot>`` course, ``r-…`` room) of the
    class's saved lessons, each in the first free slot of its cell."""
    values: dict[str, str] = {}
    for entry in entries:
        for k in range(CELL_SLOTS):
            key = f"{entry.weekday}-{entry.period_id}-{k}"
            if f"c-{key}" not in values:
                values[f"c-{key}"] = str(entry.course_id)
                values[f"r-{key}"] = str(entry.room_id or "")
                break
    return values


def _grid_cell(
    values: dict[str, str], key: str, course_ids: set[int], room_ids: set[int]
) -> tuple[int, int | None] | None:
    """(course, room) of one posted slot, None when empty; 404 for a course or room that is
    not the class's to choose."""
    raw_course = values.get(f"c-{key}", "")
    raw_room = values.get(f"r-{key}", "")
    if not raw_course:
        return None
    course_id = parse_id(raw_course)
    room_id = parse_id(raw_room) if raw_room else None
    if course_id is None or (raw_room and room_id is None):
        raise Http404
    if course_id not in course_ids or (room_id and room_id not in room_ids):
        raise Http404
    return course_id, room_id


def _grid_cells(
    values: dict[str, str],
    periods: list[LessonPeriod],
    course_ids: set[int],
    room_ids: set[int],
) -> list[services.CellInput]:
    """The posted grid as the service's cells."""
    cells: list[services.CellInput] = []
    for weekday, _name in WEEKDAYS:
        for period in periods:
            for k in range(CELL_SLOTS):
                found = _grid_cell(values, f"{weekday}-{period.pk}-{k}", course_ids, room_ids)
                if found is not None:
                    cells.append(services.CellInput(weekday, period.pk, *found))
    return cells


def _grid_rows(values: dict[str, str], periods: list[LessonPeriod]) -> list[dict[str, Any]]:
    """The grid as the template draws it: a row per period, a cell per weekday, slots."""
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
    return rows


@login_required
def grid(request: AuthedRequest, plan_id: int, class_id: int) -> HttpResponse:
    """The administrator's weekday × period grid of one class in one plan version; saving
    replaces the class's lessons all or nothing (conflicts refused with their names)."""
    user = request.user
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
    values = _grid_values(current)
    errors: list[str] = []
    if request.method == "POST":
        values = {k: str(v) for k, v in request.POST.items() if k[:2] in ("c-", "r-")}
        cells = _grid_cells(values, periods, {c.pk for c in courses}, {r.pk for r in rooms})
        try:
            count = services.timetable_class_save(
                school=request.school,
                actor=user,
                plan=plan,
                school_class=school_class,
                cells=cells,
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
    rows = _grid_rows(values, periods)
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
