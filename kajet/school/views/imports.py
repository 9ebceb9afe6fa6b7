"""CSV imports (students with guardians, staff): validate the whole file, import all or
nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import User
from kajet.school import services
from kajet.school.access import require
from kajet.school.csv_import import (
    COLUMNS,
    EXAMPLE,
    REQUIRED_COLUMNS,
    CsvFileError,
    CsvTable,
    read_csv,
    student_key,
    validate_rows,
)
from kajet.school.forms import ImportForm
from kajet.school.models import Student
from kajet.school.selectors import classes_for_office
from kajet.school.slips import slips_store
from kajet.school.staff_csv import COLUMNS as STAFF_COLUMNS
from kajet.school.staff_csv import EXAMPLE as STAFF_EXAMPLE
from kajet.school.staff_csv import REQUIRED_COLUMNS as STAFF_REQUIRED
from kajet.school.staff_csv import (
    StaffReport,
    login_candidates,
    name_key,
    validate_staff_rows,
)
from kajet.school.views.common import family_slips, single_slip


@login_required
@never_cache
def student_import(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "student.import")
    school = request.school
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {
        "form": form,
        "columns": [(c, c in REQUIRED_COLUMNS) for c in COLUMNS],
        "example": EXAMPLE,
    }
    if request.method == "POST" and form.is_valid():
        classes = {c.name: c for c in classes_for_office(school.pk) if c.year.is_current}
        try:
            table = read_csv(form.cleaned_data["file"].read())
        except CsvFileError as error:
            form.add_error("file", str(error))
            return render(request, "school/student_import.html", context, status=400)
        existing = {
            student_key(first, last, class_name, birth)
            for first, last, class_name, birth in Student.objects.filter(
                school_class__in=classes.values(), left_on__isnull=True
            ).values_list("user__first_name", "user__last_name", "school_class__name", "birth_date")
        }
        report = validate_rows(
            table, class_names=set(classes), existing=existing, today=timezone.localdate()
        )
        if not report.ok:
            context["report"] = report
            context["error_rows"] = _error_rows(table, report.errors_by_line())
            context["table_columns"] = table.columns
            context["row_count"] = len(table.rows)
            return render(request, "school/student_import.html", context, status=400)
        results = services.students_import(
            school=school, actor=user, rows=report.rows, classes=classes
        )
        response = redirect("school:issued")
        slips_store(request, response, family_slips(results))
        messages.success(
            request,
            _("%(count)s students imported. Print the login slips now.") % {"count": len(results)},
        )
        return response
    return render(request, "school/student_import.html", context)


def _error_rows(table: CsvTable, by_line: dict[int, dict[str, list[str]]]) -> list[dict[str, Any]]:
    """The rows with problems, each cell with its value and messages (the report table)."""
    return [
        {
            "line": line,
            "general": by_line[line].get("", []),
            "cells": [
                {"value": values.get(c, ""), "errors": by_line[line].get(c, [])}
                for c in table.columns
            ],
        }
        for line, values in table.rows
        if line in by_line
    ]


def _staff_report(table: CsvTable, school_id: int) -> StaffReport:
    """Validate a staff file against the logins in use and the school's staff (two queries)."""
    wanted: set[str] = set()
    for _line, values in table.rows:
        if values["login"]:
            wanted.add(values["login"].strip().lower())
        else:
            wanted.update(login_candidates(values["imie"], values["nazwisko"]))
    taken = set(User.objects.filter(login__in=wanted).values_list("login", flat=True))
    existing = {
        name_key(first, last): login
        for first, last, login in User.objects.filter(
            school_id=school_id, kind=User.Kind.STAFF
        ).values_list("first_name", "last_name", "login")
    }
    return validate_staff_rows(table, taken_logins=taken, existing_names=existing)


@login_required
@never_cache
def staff_import(request: AuthedRequest) -> HttpResponse:
    """Staff from a CSV file: every row checked first, all created or none; a login slip for
    each new staff member."""
    user = request.user
    require(user, "staff.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {
        "form": form,
        "columns": [(c, c in STAFF_REQUIRED) for c in STAFF_COLUMNS],
        "example": STAFF_EXAMPLE,
    }
    if request.method == "POST" and form.is_valid():
        try:
            table = read_csv(
                form.cleaned_data["file"].read(),
                allowed=STAFF_COLUMNS,
                required=STAFF_REQUIRED,
                no_rows=_("The file has a header but no staff members."),
            )
        except CsvFileError as error:
            form.add_error("file", str(error))
            return render(request, "school/staff_import.html", context, status=400)
        report = _staff_report(table, request.school.pk)
        if not report.ok:
            context["report"] = report
            context["error_rows"] = _error_rows(table, report.errors_by_line())
            context["table_columns"] = table.columns
            context["row_count"] = len(table.rows)
            return render(request, "school/staff_import.html", context, status=400)
        issued = services.staff_import(school=request.school, actor=user, rows=report.rows)
        response = redirect("school:issued")
        slips_store(request, response, [single_slip(i) for i in issued])
        messages.success(
            request,
            _("%(count)s staff logins created. Print the login slips now.")
            % {"count": len(issued)},
        )
        return response
    return render(request, "school/staff_import.html", context)
