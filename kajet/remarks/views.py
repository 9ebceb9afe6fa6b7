"""Remarks pages (/uwagi/): the list (family: per child, with "I have read it"; staff: what
they may see), writing a remark for one or several students of a class, one remark with its
acknowledgements and history, correcting and removing it, the class summary with behaviour
points, and the administrator's categories."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.core.history import history_for
from kajet.remarks import access, selectors, services
from kajet.remarks.forms import CategoryForm, RemarkAddForm, RemarkFields, RemarkRemoveForm
from kajet.remarks.models import RemarkCategory
from kajet.school.family import family_students


def _int_param(request: AuthedRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _errors_to_form(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def remark_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "remark.view")
    context: dict[str, Any] = {}
    if user.is_family:
        children, selected = family_students(request)
        context.update(children=children, selected=selected)
        if selected is not None:
            context["items"] = selectors.remark_list_for_student(user=user, student=selected)
        context["can_acknowledge"] = access.can(user, "remark.acknowledge")
    else:
        class_id = _int_param(request, "klasa")
        context.update(
            items=selectors.remark_list_for_staff(user=user, class_id=class_id),
            can_add=access.can(user, "remark.add"),
            summary_classes=list(access.summary_classes(user)),
            class_id=class_id,
        )
    return render(request, "remarks/list.html", context)


@login_required
def remark_add(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "remark.add")
    class_id = _int_param(request, "klasa")
    if class_id is None:
        classes = list(access.classes_for_remarks(user))
        return render(request, "remarks/choose_class.html", {"classes": classes})
    school_class = access.access_class_for_remarks(user, class_id)
    if not RemarkCategory.objects.exists():
        services.remark_categories_seed_defaults(actor=None, school=request.school)
    students = (
        access.students_for_remarks(user)
        .filter(school_class=school_class)
        .select_related("user")
        .order_by("class_number", "user__last_name")
    )
    categories = RemarkCategory.objects.filter(is_active=True)
    lessons = access.lessons_for_remarks(user, school_class.pk)
    form_kwargs = {"students": students, "lessons": lessons, "categories": categories}
    if request.method == "POST":
        form = RemarkAddForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                remarks = services.remark_add(
                    actor=user,
                    students=list(form.cleaned_data["students"]),
                    category=form.cleaned_data["category"],
                    kind=form.kind_value(),
                    text=form.cleaned_data["text"],
                    date=form.cleaned_data["date"],
                    lesson=form.cleaned_data["lesson"],
                    visible_to_student=form.cleaned_data["visible_to_student"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Remark saved for %(n)d student(s); the families have been notified.")
                    % {"n": len(remarks)},
                )
                if len(remarks) == 1:
                    return redirect("remarks:detail", remarks[0].pk)
                return redirect(f"{reverse('remarks:list')}?klasa={school_class.pk}")
    else:
        initial: dict[str, Any] = {"date": timezone.localdate(), "visible_to_student": True}
        student_id = _int_param(request, "uczen")
        if student_id is not None:
            initial["students"] = [student_id]
        form = RemarkAddForm(initial=initial, **form_kwargs)
    return render(request, "remarks/add.html", {"form": form, "school_class": school_class})


@login_required
def remark_detail(request: AuthedRequest, remark_id: int) -> HttpResponse:
    user = request.user
    remark = access.access_remark(user, remark_id)
    acks = list(remark.acknowledgements.select_related("user"))
    staff = not user.is_family
    context: dict[str, Any] = {
        "remark": remark,
        "acks": acks,
        "my_ack": next((a for a in acks if a.user_id == user.pk), None),
        "can_acknowledge": access.can(user, "remark.acknowledge"),
        "can_edit": remark.author_id == user.pk and access.can(user, "remark.add"),
        "history": history_for(object_type="remark", object_id=remark.pk) if staff else [],
        "remove_form": RemarkRemoveForm(),
    }
    return render(request, "remarks/detail.html", context)


@login_required
def remark_edit(request: AuthedRequest, remark_id: int) -> HttpResponse:
    user = request.user
    remark = access.access_remark_for_edit(user, remark_id)
    categories = RemarkCategory.objects.filter(is_active=True) | RemarkCategory.objects.filter(
        pk=remark.category_id
    )
    if request.method == "POST":
        form = RemarkFields(request.POST, categories=categories)
        if form.is_valid():
            try:
                services.remark_correct(
                    actor=user,
                    remark=remark,
                    category=form.cleaned_data["category"],
                    kind=form.kind_value(),
                    text=form.cleaned_data["text"],
                    date=form.cleaned_data["date"],
                    visible_to_student=form.cleaned_data["visible_to_student"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Remark corrected."))
                return redirect("remarks:detail", remark.pk)
    else:
        form = RemarkFields(
            initial={
                "category": remark.category_id,
                "kind": remark.kind,
                "text": remark.text,
                "date": remark.date,
                "visible_to_student": remark.visible_to_student,
            },
            categories=categories,
        )
    return render(request, "remarks/edit.html", {"form": form, "remark": remark})


@login_required
@require_POST
def remark_remove(request: AuthedRequest, remark_id: int) -> HttpResponse:
    user = request.user
    remark = access.access_remark_for_edit(user, remark_id)
    form = RemarkRemoveForm(request.POST)
    if form.is_valid():
        try:
            services.remark_remove(actor=user, remark=remark, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Remark removed."))
            return redirect("remarks:list")
    messages.error(request, _("Give the reason for removing the remark."))
    return redirect("remarks:detail", remark.pk)


@login_required
@require_POST
def remark_acknowledge(request: AuthedRequest, remark_id: int) -> HttpResponse:
    user = request.user
    remark = access.access_remark_to_acknowledge(user, remark_id)
    services.remark_acknowledge(actor=user, remark=remark)
    messages.success(request, _("Thank you — the school sees that you have read the remark."))
    if request.POST.get("next") == "detail":
        return redirect("remarks:detail", remark.pk)
    return redirect("remarks:list")


@login_required
def class_summary(request: AuthedRequest, class_id: int) -> HttpResponse:
    user = request.user
    school_class = access.access_class_summary(user, class_id)
    return render(
        request,
        "remarks/class_summary.html",
        {
            "school_class": school_class,
            "rows": selectors.class_summary(school_class=school_class),
            "items": selectors.remark_list_for_staff(user=user, class_id=school_class.pk),
            "can_add": access.can(user, "remark.add"),
            # The homeroom teacher weighs these when setting the class's behaviour grades.
            "sets_behaviour": school_class.homeroom_teacher_id == user.pk,
        },
    )


# --- categories (the administrator) ------------------------------------------------------------


def _category_form_values(form: CategoryForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "kind": data["kind"],
        "points": data["points"],
        "order": data["order"],
        "is_active": data["is_active"],
    }


@login_required
def categories(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "remark.categories")
    if request.method == "POST":
        form = CategoryForm(request.POST)
        if form.is_valid():
            try:
                services.remark_category_save(
                    actor=user, school=request.school, category=None, **_category_form_values(form)
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Category added."))
                return redirect("remarks:categories")
    else:
        form = CategoryForm()
    return render(
        request,
        "remarks/categories.html",
        {"form": form, "categories": selectors.all_categories()},
    )


@login_required
def category_edit(request: AuthedRequest, category_id: int) -> HttpResponse:
    user = request.user
    category = access.access_category(user, category_id)
    if request.method == "POST":
        form = CategoryForm(request.POST)
        if form.is_valid():
            try:
                services.remark_category_save(
                    actor=user,
                    school=request.school,
                    category=category,
                    **_category_form_values(form),
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Category saved."))
                return redirect("remarks:categories")
    else:
        form = CategoryForm(
            initial={
                "name": category.name,
                "kind": category.kind,
                "points": category.points,
                "order": category.order,
                "is_active": category.is_active,
            }
        )
    return render(request, "remarks/category_form.html", {"form": form, "category": category})


@login_required
@require_POST
def categories_defaults(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "remark.categories")
    added = services.remark_categories_seed_defaults(actor=user, school=request.school)
    if added:
        messages.success(request, _("The default categories have been added."))
    else:
        messages.error(request, _("The school already has categories."))
    return redirect("remarks:categories")
