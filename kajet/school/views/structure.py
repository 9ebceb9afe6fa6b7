"""The administrator's school structure pages: one list and one create/edit page per kind
(school years, terms, bell schedule, classes, groups, subjects, courses) and the school's
settings. Unique-constraint violations become form errors, never a server error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, models
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import User
from kajet.school import services
from kajet.school.access import can, require
from kajet.school.forms import (
    ClassGroupForm,
    CourseForm,
    LessonPeriodForm,
    SchoolClassForm,
    SchoolSettingsForm,
    SchoolYearForm,
    StructureForm,
    SubjectForm,
    TermForm,
)
from kajet.school.models import (
    ClassGroup,
    Course,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
    Subject,
    Term,
)
from kajet.school.selectors import structure_rows


def _d(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _yes(value: bool) -> str:
    return str(_("yes")) if value else ""


@dataclass(frozen=True)
class Kind:
    code: str  # history object_type and selector key
    model: type[models.Model]
    form: type[StructureForm]
    title: Any
    new_label: Any
    permission: str
    columns: tuple[tuple[Any, Callable[[Any], Any]], ...]


KINDS: dict[str, Kind] = {
    "lata": Kind(
        "year",
        SchoolYear,
        SchoolYearForm,
        gettext_lazy("School years"),
        gettext_lazy("New school year"),
        "structure.manage",
        (
            (gettext_lazy("Name"), lambda o: o.name),
            (gettext_lazy("Starts on"), lambda o: _d(o.starts_on)),
            (gettext_lazy("Ends on"), lambda o: _d(o.ends_on)),
            (gettext_lazy("Current"), lambda o: _yes(o.is_current)),
        ),
    ),
    "okresy": Kind(
        "term",
        Term,
        TermForm,
        gettext_lazy("Terms"),
        gettext_lazy("New term"),
        "structure.manage",
        (
            (gettext_lazy("School year"), lambda o: o.year.name),
            (gettext_lazy("Term"), lambda o: o.get_number_display()),
            (gettext_lazy("Starts on"), lambda o: _d(o.starts_on)),
            (gettext_lazy("Ends on"), lambda o: _d(o.ends_on)),
        ),
    ),
    "dzwonki": Kind(
        "period",
        LessonPeriod,
        LessonPeriodForm,
        gettext_lazy("Bell schedule"),
        gettext_lazy("New lesson period"),
        "structure.manage",
        (
            (gettext_lazy("Lesson"), lambda o: o.number),
            (gettext_lazy("Starts at"), lambda o: f"{o.starts_at:%H:%M}"),
            (gettext_lazy("Ends at"), lambda o: f"{o.ends_at:%H:%M}"),
        ),
    ),
    "klasy": Kind(
        "class",
        SchoolClass,
        SchoolClassForm,
        gettext_lazy("Classes"),
        gettext_lazy("New class"),
        "structure.manage",
        (
            (gettext_lazy("Class"), lambda o: o.name),
            (gettext_lazy("School year"), lambda o: o.year.name),
            (gettext_lazy("Level"), lambda o: o.level),
            (
                gettext_lazy("Homeroom teacher"),
                lambda o: o.homeroom_teacher.full_name if o.homeroom_teacher else "",
            ),
            (gettext_lazy("Students"), lambda o: o.enrolled),
        ),
    ),
    "grupy": Kind(
        "group",
        ClassGroup,
        ClassGroupForm,
        gettext_lazy("Groups"),
        gettext_lazy("New group"),
        "structure.manage",
        (
            (gettext_lazy("Class"), lambda o: o.school_class.name),
            (gettext_lazy("Group"), lambda o: o.name),
            (gettext_lazy("Members"), lambda o: o.members),
        ),
    ),
    "przedmioty": Kind(
        "subject",
        Subject,
        SubjectForm,
        gettext_lazy("Subjects"),
        gettext_lazy("New subject"),
        "structure.manage",
        (
            (gettext_lazy("Name"), lambda o: o.name),
            (gettext_lazy("Abbreviation"), lambda o: o.short_name),
        ),
    ),
    "przydzialy": Kind(
        "course",
        Course,
        CourseForm,
        gettext_lazy("Courses"),
        gettext_lazy("New course"),
        "course.manage",
        (
            (gettext_lazy("School year"), lambda o: o.year.name),
            (gettext_lazy("Subject"), lambda o: o.subject.name),
            (gettext_lazy("Class or group"), lambda o: str(o.group or o.school_class.name)),
            (gettext_lazy("Teacher"), lambda o: o.teacher.full_name),
        ),
    ),
}


def _kind(user: User, slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    require(user, kind.permission)
    return kind


def structure_menu(user: User) -> list[tuple[str, Any]]:
    return [(slug, k.title) for slug, k in KINDS.items() if can(user, k.permission)]


@login_required
def structure_list(request: AuthedRequest, kind_slug: str) -> HttpResponse:
    user = request.user
    kind = _kind(user, kind_slug)
    rows = [
        {"pk": obj.pk, "cells": [get(obj) for _label, get in kind.columns]}
        for obj in structure_rows(kind.code, user.school_id or 0)
    ]
    return render(
        request,
        "school/structure_list.html",
        {
            "kind": kind,
            "kind_slug": kind_slug,
            "headers": [label for label, _get in kind.columns],
            "rows": rows,
            "menu": structure_menu(user),
        },
    )


@login_required
def structure_edit(
    request: AuthedRequest, kind_slug: str, obj_id: int | None = None
) -> HttpResponse:
    user = request.user
    kind = _kind(user, kind_slug)
    school = request.school
    instance = None
    if obj_id is not None:
        try:
            instance = kind.model._default_manager.get(pk=obj_id, school_id=school.pk)
        except ObjectDoesNotExist:
            raise Http404 from None
    form = kind.form(
        request.POST if request.method == "POST" else None, instance=instance, school=school
    )
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            services.structure_save(actor=user, obj=obj, kind=kind.code)
        except IntegrityError:
            form.add_error(None, _("An entry with these values already exists."))
        else:
            if isinstance(obj, ClassGroup) and "members" in form.cleaned_data:
                services.group_set_members(
                    actor=user, group=obj, students=form.cleaned_data["members"]
                )
            messages.success(request, _("Saved."))
            return redirect("school:structure_list", kind_slug)
    return render(
        request,
        "school/structure_form.html",
        {
            "kind": kind,
            "kind_slug": kind_slug,
            "form": form,
            "instance": instance,
            "menu": structure_menu(user),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def school_settings(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "school.settings")
    school = request.school
    initial = {
        "staff_idle_minutes": school.staff_idle_minutes,
        "family_idle_minutes": school.family_idle_minutes,
        "require_staff_2fa": school.require_staff_2fa,
    }
    form = SchoolSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.school_settings_update(actor=user, school=school, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("school:settings")
    return render(request, "school/settings.html", {"form": form, "school": school})
