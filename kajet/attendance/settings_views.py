"""The school administrator's attendance settings: the policy (threshold, time to excuse,
adult students excusing themselves) and the attendance types (the five standard ones and the
school's own, each counted as a standard kind)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kajet.accounts.http import AuthedRequest
from kajet.attendance import access, policy, services
from kajet.attendance.forms import PolicyForm, TypeForm
from kajet.attendance.models import AttendanceMark


@login_required
@require_http_methods(["GET", "POST"])
def policy_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "attendance.settings")
    current = services.policy_for(request.school.pk)
    initial = {
        "threshold_percent": current.threshold_percent,
        "excuse_deadline_days": current.excuse_deadline_days,
        "adult_self_excuse": current.adult_self_excuse,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy.attendance_policy_update(
                actor=user, school=request.school.pk, **form.cleaned_data
            )
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            messages.success(request, _("The attendance policy was saved."))
            return redirect("attendance:policy")
    return render(
        request,
        "attendance/settings_policy.html",
        {"form": form, "section": "policy"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def types_page(request: AuthedRequest) -> HttpResponse:
    """Every type of the school; the school's own with how many marks use them (2 queries)."""
    user = request.user
    access.require(user, "attendance.settings")
    types = services.attendance_types_for(request.school.pk)
    custom = [t for t in types if not t.is_standard]
    uses = dict(
        AttendanceMark.objects.filter(type__in=custom)
        .values_list("type_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return render(
        request,
        "attendance/settings_types.html",
        {
            "standard": [t for t in types if t.is_standard],
            "custom": [(t, uses.get(t.pk, 0)) for t in custom],
            "section": "types",
        },
    )


def _type_values(form: TypeForm) -> dict[str, str]:
    return {name: form.cleaned_data[name] for name in ("name", "code", "colour", "kind")}


@login_required
@require_http_methods(["GET", "POST"])
def type_edit(request: AuthedRequest, type_id: int = 0) -> HttpResponse:
    """Add a school-defined type (``type_id`` 0) or change one."""
    user = request.user
    found = access.access_custom_type(user, type_id) if type_id else None
    access.require(user, "attendance.settings")
    in_use = found is not None and AttendanceMark.objects.filter(type=found).exists()
    initial: dict[str, Any] = {"colour": "#7c3aed", "kind": "present"}
    if found is not None:
        initial = {k: getattr(found, k) for k in ("name", "code", "colour", "kind")}
    form = TypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if found is None:
                policy.attendance_type_add(
                    actor=user, school=request.school.pk, **_type_values(form)
                )
            else:
                policy.attendance_type_update(
                    actor=user, attendance_type=found, **_type_values(form)
                )
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            messages.success(request, _("The attendance type was saved."))
            return redirect("attendance:types")
    return render(
        request,
        "attendance/settings_type_form.html",
        {"form": form, "found": found, "in_use": in_use, "section": "types"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def type_state(request: AuthedRequest, type_id: int) -> HttpResponse:
    """Deactivate, reactivate or (never used) delete a school-defined type."""
    user = request.user
    found = access.access_custom_type(user, type_id)
    action = request.POST.get("action")
    try:
        if action == "deactivate":
            policy.attendance_type_set_active(actor=user, attendance_type=found, active=False)
            messages.success(
                request,
                _("“%(name)s” is deactivated: its marks stay, new marks cannot use it.")
                % {"name": found.name},
            )
        elif action == "reactivate":
            policy.attendance_type_set_active(actor=user, attendance_type=found, active=True)
            messages.success(request, _("“%(name)s” is in use again.") % {"name": found.name})
        elif action == "delete":
            policy.attendance_type_delete(actor=user, attendance_type=found)
            messages.success(request, _("“%(name)s” was deleted.") % {"name": found.name})
        else:
            raise ValidationError(_("Choose what to do with the type."))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("attendance:types")
