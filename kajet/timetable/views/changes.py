"""Lesson changes (zastępstwa, odwołane lekcje): the list, adding one, withdrawing it."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.timetable import access, services
from kajet.timetable.forms import LessonChangeForm, course_label
from kajet.timetable.models import (
    LessonChange,
)
from kajet.timetable.rules import week_start


@login_required
def changes(request: AuthedRequest) -> HttpResponse:
    """Lesson changes from this week on (newest dates last), for the administrator."""
    user = request.user
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
def change_add(request: AuthedRequest, entry_id: int, date: str) -> HttpResponse:
    """Substitute, cancel or move one lesson on one date."""
    user = request.user
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
        school_id=user.school_pk,
        school_class=entry.course.school_class,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = request.school
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
def change_remove(request: AuthedRequest, change_id: int) -> HttpResponse:
    user = request.user
    change = access.access_change(user, change_id)
    school = request.school
    try:
        services.lesson_change_remove(school=school, actor=user, change=change)
    except ValidationError as error:  # withdrawn by someone else in the meantime
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The change was withdrawn."))
    return redirect("timetable:changes")
