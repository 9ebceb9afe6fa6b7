"""The history of changes: the principal's filtered list with CSV and PDF exports, and the
family's history of their own child. Thin: access rule → filter form → selector → render."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kajet.accounts.http import AuthedRequest
from kajet.core.numbers import parse_id
from kajet.core.spreadsheet import csv_write
from kajet.records import access
from kajet.records.history import kinds, selectors
from kajet.records.history.forms import HistoryFilterForm
from kajet.records.pdf import pdf_bytes, pdf_response
from kajet.school.family import family_students
from kajet.school.models import Student

CSV_HEADER = (
    gettext_lazy("When"),
    gettext_lazy("Changed by"),
    gettext_lazy("Kind of change"),
    gettext_lazy("What happened"),
    gettext_lazy("Student"),
    gettext_lazy("Class"),
    gettext_lazy("Subject"),
    gettext_lazy("Change"),
    gettext_lazy("Code"),
)


def _form(request: AuthedRequest) -> HistoryFilterForm:
    """The principal's filter, bound to the query string; 404 for an id that is not the
    school's (the choices hold the school's own objects only)."""
    access.require(request.user, "records.history")
    form = HistoryFilterForm(request.GET, choices=selectors.filter_choices(request.school.pk))
    if not form.is_valid() and form.foreign_id():
        raise Http404
    return form


def _query(request: AuthedRequest, *drop: str) -> str:
    query = request.GET.copy()
    for name in ("strona", *drop):
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def history(request: AuthedRequest) -> HttpResponse:
    """The register's history for the principal: filtered by class, student, subject,
    author, kind of change and dates, newest first, 50 to a page."""
    form = _form(request)
    if not form.is_valid():
        return render(
            request,
            "records/history/index.html",
            {"form": form, "page": None, "rows": [], "query": ""},
            status=400,
        )
    page, rows = selectors.history_page(
        selectors.history_entries(form.history_filter()), request.GET.get("strona")
    )
    return render(
        request,
        "records/history/index.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": _query(request),
            "export_limit": selectors.EXPORT_LIMIT,
            "pdf_limit": selectors.PDF_LIMIT,
        },
    )


def _csv(rows: list[selectors.HistoryRow], total: int, filename: str) -> HttpResponse:
    lines: list[list[Any]] = [[str(name) for name in CSV_HEADER]]
    lines += [
        [
            row.at.strftime("%Y-%m-%d %H:%M"),
            row.author,
            row.change.kind_label,
            row.change.action,
            row.student,
            row.school_class,
            row.subject,
            row.change.description,
            row.entry.code,
        ]
        for row in rows
    ]
    if total > len(rows):
        lines.append([_limit_note(len(rows), total)])
    response = HttpResponse(
        csv_write(lines).encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _limit_note(shown: int, total: int) -> str:
    return _("Only the first %(shown)s of %(total)s changes are exported; narrow the filter.") % {
        "shown": shown,
        "total": total,
    }


def _pdf(
    request: AuthedRequest,
    entries: Any,
    filename: str,
    context: dict[str, Any],
) -> HttpResponse:
    # The rows are told in Polish like the rest of the printout.
    with translation.override("pl"):
        rows, total = selectors.history_export(entries, selectors.PDF_LIMIT)
        note = _limit_note(len(rows), total) if total > len(rows) else ""
    data = pdf_bytes(
        "records/pdf/history.html",
        {**context, "rows": rows, "total": total, "limit_note": note},
        school=request.school,
        user=request.user,
    )
    return pdf_response(data, filename)


def _stamp() -> str:
    return timezone.localdate().isoformat()


@login_required
@require_GET
def history_csv(request: AuthedRequest) -> HttpResponse:
    """The filtered history as CSV (UTF-8, semicolons), at most ``EXPORT_LIMIT`` rows."""
    form = _form(request)
    if not form.is_valid():
        raise Http404
    rows, total = selectors.history_export(selectors.history_entries(form.history_filter()))
    return _csv(rows, total, f"historia-zmian-{_stamp()}.csv")


def _filter_summary(form: HistoryFilterForm) -> list[tuple[str, str]]:
    """The chosen filters as (label, value) for the printout's header."""
    summary = []
    for name in form.fields:
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        field = form.fields[name]
        shown: Any = value
        if isinstance(value, datetime.date):
            shown = value.strftime("%d.%m.%Y")
        else:
            shown = dict(getattr(field, "choices", [])).get(value, value)
        summary.append((str(field.label), str(shown)))
    return summary


@login_required
@require_GET
def history_pdf(request: AuthedRequest) -> HttpResponse:
    """The filtered history as a PDF, at most ``PDF_LIMIT`` rows."""
    form = _form(request)
    if not form.is_valid():
        raise Http404
    with translation.override("pl"):
        summary = _filter_summary(form)
    return _pdf(
        request,
        selectors.history_entries(form.history_filter()),
        f"historia-zmian-{_stamp()}.pdf",
        {"filters": summary, "student": None},
    )


# --- the family ------------------------------------------------------------------------------


def _family_student(request: AuthedRequest) -> tuple[list[Student], Student]:
    """The family's students and the one shown: ``?uczen=`` when given (one of theirs, else
    404), otherwise the child chosen in the switcher (a student: themself)."""
    access.require(request.user, "records.family_history")
    children, selected = family_students(request)
    wanted = request.GET.get("uczen")
    if wanted:
        pk = parse_id(wanted)
        selected = next((c for c in children if c.pk == pk), None)
    if selected is None:
        raise Http404
    return children, selected


def _family_kind(request: AuthedRequest) -> str:
    kind = request.GET.get("rodzaj", "")
    return kind if kind in selectors.FAMILY_KINDS else ""


@login_required
@require_GET
def family_history(request: AuthedRequest) -> HttpResponse:
    """The history of the selected child's (a student: one's own) grades, term and
    behaviour grades and attendance, newest first, 50 to a page."""
    children, student = _family_student(request)
    kind = _family_kind(request)
    page, rows = selectors.history_page(
        selectors.family_entries(student, kind), request.GET.get("strona")
    )
    return render(
        request,
        "records/history/family.html",
        {
            "children": children,
            "selected": student,
            "student": student,
            "page": page,
            "rows": rows,
            "kind": kind,
            "kinds": [(k, kinds.kind_label(k)) for k in selectors.FAMILY_KINDS],
            "query": _query(request),
        },
    )


@login_required
@require_GET
def family_history_csv(request: AuthedRequest) -> HttpResponse:
    _children, student = _family_student(request)
    rows, total = selectors.history_export(selectors.family_entries(student, _family_kind(request)))
    return _csv(rows, total, f"historia-{student.pk}-{_stamp()}.csv")


@login_required
@require_GET
def family_history_pdf(request: AuthedRequest) -> HttpResponse:
    _children, student = _family_student(request)
    return _pdf(
        request,
        selectors.family_entries(student, _family_kind(request)),
        f"historia-{student.pk}-{_stamp()}.pdf",
        {"filters": [], "student": student},
    )
