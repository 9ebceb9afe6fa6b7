"""The school administrator's grading policy and categories."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kajet.accounts.http import AuthedRequest
from kajet.grades import access, services
from kajet.grades.forms import (
    CategoryForm,
    PolicyForm,
)
from kajet.grades.models import GradeCategory, GradingPolicy


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "grades.policy")
    row = GradingPolicy.objects.filter(school=request.school).first() or GradingPolicy(
        school=request.school, valueless_marks=["np", "bz", "+", "-"]
    )
    initial = {"valueless_text": ", ".join(row.valueless_marks or ["np", "bz", "+", "-"])}
    if request.method == "POST":
        form = PolicyForm(request.POST, instance=row, initial=initial)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in PolicyForm.Meta.fields}
            changes["valueless_marks"] = form.cleaned_data["valueless_text"]
            services.policy_update(actor=user, school=request.school, changes=changes)
            messages.success(request, _("The grading policy was saved."))
            return redirect("grades:policy")
    else:
        form = PolicyForm(instance=row, initial=initial)
    categories = services.categories_ensure_defaults(school=request.school)
    return render(
        request,
        "grades/policy.html",
        {"form": form, "categories": categories},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: AuthedRequest, category_id: int = 0) -> HttpResponse:
    user = request.user
    access.require(user, "grades.policy")
    category = None
    if category_id:
        category = GradeCategory.objects.filter(pk=category_id).first()
        if category is None:
            raise Http404
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        services.category_save(
            actor=user,
            school=request.school,
            category=category,
            data={name: form.cleaned_data[name] for name in CategoryForm.Meta.fields},
        )
        messages.success(request, _("The category was saved."))
        return redirect("grades:policy")
    return render(
        request,
        "grades/category_form.html",
        {"form": form, "category": category},
        status=400 if request.method == "POST" else 200,
    )
