"""The school administrator's scales for current marks and their assignments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kajet.accounts.http import AuthedRequest
from kajet.grades import access, services
from kajet.grades.forms import AssignmentForm, ScaleForm
from kajet.grades.mark_scales import (
    Scale,
    ScaleKind,
    read_symbols,
    read_thresholds,
    symbols_text,
    thresholds_text,
)
from kajet.grades.models import MarkScale, MarkScaleAssignment


def _scales_page(
    request: AuthedRequest, *, assign_form: AssignmentForm, status: int = 200
) -> HttpResponse:
    scales = list(MarkScale.objects.all())
    assignments = list(MarkScaleAssignment.objects.select_related("scale", "subject"))
    return render(
        request,
        "grades/scales.html",
        {"scales": scales, "assignments": assignments, "assign_form": assign_form},
        status=status,
    )


@login_required
def scales(request: AuthedRequest) -> HttpResponse:
    """The school's scales and which levels and subjects use them."""
    access.require(request.user, "grades.scales")
    return _scales_page(request, assign_form=AssignmentForm())


@login_required
@require_http_methods(["GET", "POST"])
def scale_edit(request: AuthedRequest, scale_id: int = 0) -> HttpResponse:
    """Create or change a scale; every problem is listed and nothing is saved."""
    user = request.user
    access.require(user, "grades.scales")
    row = None
    if scale_id:
        row = MarkScale.objects.filter(pk=scale_id).first()
        if row is None:
            raise Http404
    problems: list[str] = []
    if request.method == "POST":
        form = ScaleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            symbols, problems = read_symbols(data["symbols"])
            thresholds, bad_lines = read_thresholds(data["thresholds"])
            problems += bad_lines
            kind = data["kind"]
            scale = Scale(
                kind=kind,
                name=data["name"],
                symbols=tuple(symbols) if kind == ScaleKind.SYMBOLS else (),
                thresholds=tuple(thresholds) if kind == ScaleKind.POINTS else (),
            )
            if not problems:
                try:
                    services.scale_save(actor=user, school=request.school, row=row, scale=scale)
                except services.ScaleInvalid as invalid:
                    problems = invalid.problems
                else:
                    messages.success(request, _("The scale was saved."))
                    return redirect("grades:scales")
    else:
        initial = {}
        if row is not None:
            rules = row.rules()
            initial = {
                "name": row.name,
                "kind": row.kind,
                "symbols": symbols_text(rules.symbols),
                "thresholds": thresholds_text(rules.thresholds),
            }
        form = ScaleForm(initial=initial)
    failed = request.method == "POST"
    return render(
        request,
        "grades/scale_form.html",
        {"form": form, "scale": row, "problems": problems},
        status=400 if failed else 200,
    )


@login_required
@require_POST
def scale_assign(request: AuthedRequest) -> HttpResponse:
    """Give a level and/or a subject a scale (replacing the one it had)."""
    user = request.user
    access.require(user, "grades.scales")
    form = AssignmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.scale_assign(
                actor=user,
                school=request.school,
                data=services.AssignmentInput(
                    scale=data["scale"], level=data["level"], subject=data["subject"]
                ),
            )
        except services.ScaleInvalid as invalid:
            for problem in invalid.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("The scale was assigned."))
            return redirect("grades:scales")
    return _scales_page(request, assign_form=form, status=400)


@login_required
@require_POST
def scale_unassign(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    user = request.user
    access.require(user, "grades.scales")
    assignment = MarkScaleAssignment.objects.filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    services.scale_unassign(actor=user, assignment=assignment)
    messages.success(request, _("The assignment was removed."))
    return redirect("grades:scales")
