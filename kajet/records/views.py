"""The printouts ("Wydruki"): one page listing what the user may print, a page per class with
the choices, the certificates' review, and the PDFs. Thin views: access → form → selector →
PDF."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kajet.accounts.http import request_user
from kajet.accounts.models import User
from kajet.audit.services import access_log_view
from kajet.core.numbers import parse_id
from kajet.records import access, printing, selectors, services
from kajet.records.forms import PeriodForm, RangeForm
from kajet.records.models import PrintJob
from kajet.records.pdf import pdf_bytes, pdf_response
from kajet.records.xmlio.export import register_bytes
from kajet.school.models import SchoolClass, SchoolYear, Student, Term


def _terms(school_class: SchoolClass) -> list[Term]:
    return list(Term.objects.filter(year_id=school_class.year_id).order_by("number"))


def _term(terms: list[Term], period: str) -> Term | None:
    """The chosen term, or None for the school year."""
    return next((t for t in terms if str(t.number) == period), None)


def _pdf(
    request: HttpRequest, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    user = request_user(request)
    assert user.school is not None  # a staff or family login always belongs to a school
    return pdf_response(pdf_bytes(template, context, school=user.school, user=user), filename)


def _slug(school_class: SchoolClass) -> str:
    return school_class.name.replace(" ", "_")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    access.require(user, "records.view")
    return render(
        request,
        "records/index.html",
        {
            "classes": list(access.classes_for_printing(user)),
            "students": list(access.family_students(user).order_by("user__first_name"))
            if access.can(user, "records.family_report")
            else [],
            "period_form": PeriodForm(),
            "export_years": list(SchoolYear.objects.order_by("-starts_on"))
            if access.can(user, "records.xml_export")
            else [],
            "can_archive": access.can(user, "records.archive"),
            "can_check_archive": access.can(user, "records.archive_verify"),
            "can_history": access.can(user, "records.history"),
            "can_family_history": access.can(user, "records.family_history"),
        },
    )


def _class_page(
    request: HttpRequest,
    school_class: SchoolClass,
    range_form: RangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    year = school_class.year
    initial = {"od": year.starts_on, "do": min(year.ends_on, datetime.date.today())}
    return render(
        request,
        "records/class.html",
        {
            "school_class": school_class,
            "range_form": range_form or RangeForm(initial=initial),
            "period_form": PeriodForm(),
            "students": selectors.class_data(school_class).students,
        },
        status=status,
    )


@login_required
@require_GET
def class_page(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access.access_print_class(request_user(request), class_id)
    return _class_page(request, school_class)


def _start(
    request: HttpRequest, kind: str, params: dict[str, Any], title: str, filename: str
) -> HttpResponse:
    """Queue a printout (or find the same one still being made) and show its page."""
    job = printing.print_job_request(
        actor=request_user(request), kind=kind, params=params, title=title, filename=filename
    )
    return redirect("records:print_job", job_id=job.pk)


@login_required
@require_POST
def class_register(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access.access_print_class(request_user(request), class_id)
    form = RangeForm(request.POST)
    if not form.is_valid():
        return _class_page(request, school_class, form, status=400)
    start, end = form.cleaned_data["od"], form.cleaned_data["do"]
    dates = {"start": start.strftime("%d.%m.%Y"), "end": end.strftime("%d.%m.%Y")}
    return _start(
        request,
        PrintJob.Kind.CLASS_REGISTER,
        {"class": school_class.pk, "start": start.isoformat(), "end": end.isoformat()},
        _("Class register of %(name)s, %(start)s–%(end)s") % {"name": school_class.name, **dates},
        f"dziennik-{_slug(school_class)}-{start}-{end}.pdf",
    )


@login_required
@require_POST
def grades_summary(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access.access_print_class(request_user(request), class_id)
    form = PeriodForm(request.POST)
    period = form.cleaned_data["okres"] if form.is_valid() else "rok"
    return _start(
        request,
        PrintJob.Kind.GRADES_SUMMARY,
        {"class": school_class.pk, "period": period},
        _("Grades summary of %(name)s") % {"name": school_class.name},
        f"oceny-{_slug(school_class)}-{period}.pdf",
    )


@login_required
@require_GET
def class_attendance(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access.access_print_class(request_user(request), class_id)
    form = RangeForm(request.GET)
    if not form.is_valid():
        return _class_page(request, school_class, form, status=400)
    start, end = form.cleaned_data["od"], form.cleaned_data["do"]
    rows = selectors.class_attendance(school_class, start, end)
    return _pdf(
        request,
        "records/pdf/class_attendance.html",
        {
            "school_class": school_class,
            "rows": rows,
            "total": selectors.class_total(rows),
            "start": start,
            "end": end,
        },
        f"frekwencja-{_slug(school_class)}-{start}-{end}.pdf",
    )


@login_required
@require_GET
def student_attendance(request: HttpRequest, student_id: int) -> HttpResponse:
    student = access.access_record_sheet_student(request_user(request), student_id)
    form = RangeForm(request.GET)
    if not form.is_valid():
        return _class_page(request, student.school_class, form, status=400)
    start, end = form.cleaned_data["od"], form.cleaned_data["do"]
    access_log_view(request, student)
    statistics = selectors.student_attendance(student, start, end, _terms(student.school_class))
    return _pdf(
        request,
        "records/pdf/student_attendance.html",
        {"student": student, "statistics": statistics, "start": start, "end": end},
        f"frekwencja-{student.login_number}-{start}-{end}.pdf",
    )


@login_required
@require_GET
def family_report(request: HttpRequest, student_id: int) -> HttpResponse:
    student = access.access_report_student(request_user(request), student_id)
    terms = _terms(student.school_class)
    form = PeriodForm(request.GET)
    period = form.cleaned_data["okres"] if form.is_valid() else "rok"
    report = selectors.family_report(student, _term(terms, period), terms)
    return _pdf(
        request,
        "records/pdf/family_report.html",
        {"report": report},
        f"raport-{student.login_number}-{period}.pdf",
    )


@login_required
@require_POST
def family_data_export(request: HttpRequest, student_id: int) -> HttpResponse:
    """The family's data export (GDPR art. 15/20): one ZIP with the data as JSON and the
    family report as PDF, made in the background; the answer is the job's page."""
    student = access.access_report_student(request_user(request), student_id)
    return _start(
        request,
        PrintJob.Kind.FAMILY_DATA,
        {"student": student.pk},
        _("Data of %(name)s") % {"name": student.user.full_name},
        f"dane-{student.login_number}.zip",
    )


def _record_sheets(
    request: HttpRequest, school_class: SchoolClass, students: list[Student], filename: str
) -> HttpResponse:
    sheets = selectors.record_sheets(school_class, students)
    return _pdf(
        request,
        "records/pdf/record_sheets.html",
        {"sheets": sheets, "school_class": school_class},
        filename,
    )


@login_required
@require_GET
def record_sheet(request: HttpRequest, student_id: int) -> HttpResponse:
    student = access.access_record_sheet_student(request_user(request), student_id)
    year = student.school_class.year.name.replace("/", "-")
    access_log_view(request, student)
    return _record_sheets(
        request, student.school_class, [student], f"arkusz-{student.login_number}-{year}.pdf"
    )


def _review(
    request: HttpRequest, user: User, school_class: SchoolClass, status: int = 200
) -> HttpResponse:
    batch = selectors.certificates(school_class)
    return render(
        request,
        "records/certificates.html",
        {
            "batch": batch,
            "school_class": school_class,
            "can_edit": access.may_edit_certificates(user, school_class),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificates(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    school_class = access.access_print_class(user, class_id, action="records.certificates")
    if request.method == "POST":
        if not access.may_edit_certificates(user, school_class):
            raise Http404
        notes = {
            student_id: str(request.POST.get(key, ""))[:1000]
            for key in request.POST
            if key.startswith("osiagniecia-")
            and (student_id := parse_id(key.removeprefix("osiagniecia-"))) is not None
        }
        changed = services.certificate_notes_set(actor=user, school_class=school_class, notes=notes)
        messages.success(request, _("Achievements saved (%(n)d changed).") % {"n": changed})
        return redirect("records:certificates", class_id=school_class.pk)
    return _review(request, user, school_class)


@login_required
@require_POST
def certificates_pdf(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    school_class = access.access_print_class(user, class_id, action="records.certificates")
    batch = selectors.certificates(school_class)
    if not batch.ready:
        messages.error(request, _("The certificates cannot be printed yet: grades are missing."))
        return _review(request, user, school_class, status=409)
    return _start(
        request,
        PrintJob.Kind.CERTIFICATES,
        {"class": school_class.pk},
        _("Certificates of %(name)s") % {"name": school_class.name},
        f"swiadectwa-{_slug(school_class)}.pdf",
    )


@login_required
@require_POST
def class_record_sheets(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access.access_print_class(request_user(request), class_id)
    students = selectors.class_data(school_class).students
    access_log_view(request, *students)
    year = school_class.year.name.replace("/", "-")
    return _start(
        request,
        PrintJob.Kind.RECORD_SHEETS,
        {"class": school_class.pk},
        _("Record sheets of %(name)s") % {"name": school_class.name},
        f"arkusze-{_slug(school_class)}-{year}.pdf",
    )


@login_required
@require_GET
def print_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A printout's page: its progress while it is made (HTMX polling, a meta refresh
    without JavaScript), the download when it is ready, the reason when it failed."""
    job = access.access_print_job(request_user(request), job_id)
    context = {"job": job, "retention_days": settings.KAJET_RETENTION_PRINT_JOB_DAYS}
    if getattr(request, "htmx", False):
        return render(request, "records/_print_job.html", context)
    return render(request, "records/print_job.html", context)


@login_required
@require_GET
def print_job_file(request: HttpRequest, job_id: int) -> FileResponse:
    job = access.access_print_job(request_user(request), job_id)
    if job.status != PrintJob.Status.DONE or not job.file:
        raise Http404
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type="application/zip" if job.is_zip else "application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def xml_export(request: HttpRequest, year_id: int) -> StreamingHttpResponse:
    """The register of a school year as XML, streamed as it is read (principal only)."""
    user = request_user(request)
    year = access.access_export_year(user, year_id)
    assert user.school is not None  # the principal's login belongs to a school
    response = StreamingHttpResponse(
        register_bytes(school=user.school, year=year), content_type="application/xml"
    )
    filename = f"kajet-rejestr-{year.name.replace('/', '-')}.xml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
