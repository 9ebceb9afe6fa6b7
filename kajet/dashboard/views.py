from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kajet.dashboard.selectors import home_context
from kajet.school.family import select_child


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/home.html", home_context(request))


@login_required
@require_POST
def switch_child(request: HttpRequest, student_id: int) -> HttpResponse:
    if select_child(request, student_id) is None:
        raise Http404
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "dashboard:home"
    return redirect(target)
