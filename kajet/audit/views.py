"""The access log's pages: the principal's review and the family's "who viewed my child's
data". Thin: access rule → filter form → selector → render."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kajet.accounts.http import AuthedRequest
from kajet.audit import access, selectors
from kajet.audit.forms import LogFilterForm
from kajet.school.family import family_students


@login_required
@require_GET
def log(request: AuthedRequest) -> HttpResponse:
    """The school's access log for the principal, filtered by student, staff member and
    dates, newest first, 50 to a page."""
    user = request.user
    access.require(user, "audit.access_log")
    form = LogFilterForm(request.GET or None, staff=selectors.staff_choices(request.school.pk))
    page = selectors.access_log_page(form.log_filter(), request.GET.get("strona"))
    query = request.GET.copy()
    query.pop("strona", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def family(request: AuthedRequest) -> HttpResponse:
    """Who at the school opened the selected child's data (a student: their own), newest
    first, 50 to a page."""
    user = request.user
    access.require(user, "audit.family_log")
    children, student = family_students(request)
    if student is None:
        raise Http404
    page = selectors.family_log_page(student, request.GET.get("strona"))
    return render(
        request,
        "audit/family.html",
        {
            "children": children,
            "selected": student,
            "student": student,
            "page": page,
            "retention_days": settings.KAJET_RETENTION_ACCESS_LOG_DAYS,
        },
    )
