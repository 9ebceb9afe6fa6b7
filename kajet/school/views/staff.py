"""Staff logins: list with roles, add (initial password on a slip), edit roles, turn off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.school import services
from kajet.school.access import access_staff_member, can, require
from kajet.school.forms import StaffEditForm, StaffForm
from kajet.school.selectors import staff_list
from kajet.school.slips import slips_store
from kajet.school.views.common import single_slip


@login_required
def staff_index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "staff.view")
    return render(
        request,
        "school/staff_list.html",
        {"staff": staff_list(user.school_id or 0), "can_manage": can(user, "staff.manage")},
    )


@login_required
@never_cache
def staff_add(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "staff.manage")
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issued = services.staff_create(school=request.school, actor=user, **form.cleaned_data)
        messages.success(request, _("The staff login has been created."))
        response = redirect("school:issued")
        slips_store(request, response, [single_slip(issued)])
        return response
    return render(request, "school/staff_form.html", {"form": form})


@login_required
def staff_edit(request: AuthedRequest, staff_id: int) -> HttpResponse:
    user = request.user
    require(user, "staff.manage")
    member = access_staff_member(user, staff_id)
    initial = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "roles": sorted(member.staff_roles),
    }
    form = StaffEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        roles = set(form.cleaned_data["roles"])
        if member.pk == user.pk and not roles & {"secretariat", "school_admin"}:
            form.add_error("roles", _("You cannot take away your own right to manage staff."))
        else:
            services.staff_update(
                actor=user,
                user=member,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                email=form.cleaned_data["email"],
            )
            services.staff_set_roles(actor=user, user=member, roles=roles)
            messages.success(request, _("The changes have been saved."))
            return redirect("school:staff_list")
    return render(request, "school/staff_form.html", {"form": form, "member": member})


@login_required
@require_POST
def staff_set_active(request: AuthedRequest, staff_id: int) -> HttpResponse:
    user = request.user
    require(user, "staff.manage")
    member = access_staff_member(user, staff_id)
    active = request.POST.get("active") == "1"
    if member.pk == user.pk:
        messages.error(request, _("You cannot turn off your own login."))
        return redirect("school:staff_edit", member.pk)
    services.staff_set_active(actor=user, user=member, active=active)
    messages.success(
        request,
        _("The login has been turned on.") if active else _("The login has been turned off."),
    )
    return redirect("school:staff_list")


@login_required
@require_POST
@never_cache
def staff_password_reset(request: AuthedRequest, staff_id: int) -> HttpResponse:
    user = request.user
    require(user, "staff.manage")
    member = access_staff_member(user, staff_id)
    if not member.is_active or member.pk == user.pk:
        return redirect("school:staff_edit", member.pk)
    issued = services.login_password_reset(actor=user, user=member)
    response = redirect("school:issued")
    slips_store(request, response, [single_slip(issued)])
    return response
