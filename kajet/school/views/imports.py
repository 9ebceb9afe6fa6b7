"""CSV import of students with guardians: validate the whole file, import all or nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kajet.accounts.http import request_user
from kajet.school import services
from kajet.school.access import require
from kajet.school.csv_import import (
    COLUMNS,
    EXAMPLE,
    REQUIRED_COLUMNS,
    CsvFileError,
    read_csv,
    student_key,
    validate_rows,
)
from kajet.school.forms import ImportForm
from kajet.school.models import Student
from kajet.school.selectors import classes_for_office
from kajet.school.slips import slips_store
from kajet.school.views.common import family_slips


@login_required
@never_cache
def student_import(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "student.import")
    school = user.school
    assert school is not None
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
            by_line = report.errors_by_line()
            context["report"] = report
            context["error_rows"] = [
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
