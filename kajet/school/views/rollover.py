"""The new school year for the administrator: the choices, a preview of every change, then
the rollover in one transaction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kajet.accounts.http import AuthedRequest
from kajet.school.access import require
from kajet.school.forms.rollover import RolloverForm
from kajet.school.services.rollover import (
    rollover_plan,
    students_awaiting_class,
    year_rollover,
    year_snapshot,
)


@login_required
@never_cache
def year_rollover_view(request: AuthedRequest) -> HttpResponse:
    """GET: the form with proposals. POST ``preview``: the plan, nothing written. POST
    ``run``: the same plan written in one transaction (or its problems, nothing written)."""
    user = request.user
    require(user, "year.rollover")
    school = request.school
    snapshot = year_snapshot(school.pk)
    context: dict[str, object] = {"awaiting": students_awaiting_class(school.pk)}
    if snapshot is None:
        return render(request, "school/rollover.html", context)
    form = RolloverForm(request.POST or None, snapshot=snapshot)
    context.update({"form": form, "year": snapshot.year})
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "school/rollover.html", context, status=status)
    plan = rollover_plan(snapshot, form.choices())
    context["plan"] = plan
    if not plan.ok or "run" not in request.POST:
        return render(request, "school/rollover.html", context, status=200 if plan.ok else 400)
    year = year_rollover(school=school, actor=user, plan=plan)
    messages.success(
        request,
        _("The school year %(name)s has started and is now the current year.") % {"name": year},
    )
    return redirect("school:rollover")
