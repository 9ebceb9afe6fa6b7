"""Homework pages: the list (family: per child; staff: their courses), one homework, setting,
editing and deleting it, the student's "done" tick and attachment downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import User
from kajet.core.numbers import parse_id
from kajet.homework import access, services
from kajet.homework.forms import HomeworkForm
from kajet.homework.models import HomeworkDone
from kajet.homework.selectors import (
    homework_list_for_staff,
    homework_list_for_student,
)
from kajet.school.access import SCHOOL_WIDE_ROLES, roles_of
from kajet.school.family import family_students
from kajet.school.models import SchoolClass


def _int_param(request: AuthedRequest, name: str) -> int | None:
    return parse_id(request.GET.get(name, ""))


@login_required
def homework_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "homework.view")
    today = timezone.localdate()
    subject_id = _int_param(request, "przedmiot")
    context: dict[str, Any] = {"subject_id": subject_id, "today": today}
    if user.is_family:
        children, selected = family_students(request)
        context.update(
            children=children, selected=selected, can_tick=user.kind == User.Kind.STUDENT
        )
        if selected is not None:
            context["items"] = homework_list_for_student(
                student=selected, today=today, subject_id=subject_id
            )
    else:
        class_id = _int_param(request, "klasa")
        wide = bool(roles_of(user) & SCHOOL_WIDE_ROLES)
        context["items"] = homework_list_for_staff(
            user=user, today=today, subject_id=subject_id, class_id=class_id
        )
        context["can_set"] = access.can(user, "homework.manage")
        if wide:
            context["classes"] = list(SchoolClass.objects.filter(year__is_current=True))
            context["class_id"] = class_id
    return render(request, "homework/list.html", context)


@login_required
def homework_detail(request: AuthedRequest, homework_id: int) -> HttpResponse:
    user = request.user
    homework = access.access_homework(user, homework_id)
    context: dict[str, Any] = {
        "homework": homework,
        "attachments": list(homework.attachments.all()),
        "can_edit": homework.course.teacher_id == user.pk and access.can(user, "homework.manage"),
    }
    if user.kind == User.Kind.STUDENT:
        context["can_tick"] = True
        homework.is_done = HomeworkDone.objects.filter(  # type: ignore[attr-defined]
            homework=homework, student__user=user
        ).exists()
    elif user.kind == User.Kind.GUARDIAN:
        _children, selected = family_students(request)
        if selected is not None:
            homework.is_done = HomeworkDone.objects.filter(  # type: ignore[attr-defined]
                homework=homework, student=selected
            ).exists()
            context["selected"] = selected
    return render(request, "homework/detail.html", context)


def _form_errors_from(form: HomeworkForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = "uploads" if name == "files" else name
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def homework_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "homework.manage")
    courses = access.courses_for_homework(user)
    initial: dict[str, Any] = {"set_on": timezone.localdate()}
    course_param = _int_param(request, "kurs")
    if course_param is not None:
        initial["course"] = course_param
    if request.method == "POST":
        form = HomeworkForm(request.POST, request.FILES, courses=courses)
        if form.is_valid():
            course = access.access_course_for_homework(user, form.cleaned_data["course"].pk)
            try:
                homework = services.homework_create(
                    actor=user,
                    course=course,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    set_on=form.cleaned_data["set_on"],
                    due_on=form.cleaned_data["due_on"],
                    files=form.cleaned_data["uploads"],
                )
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, _("Homework set; the class has been notified."))
                return redirect("homework:detail", homework.pk)
    else:
        form = HomeworkForm(initial=initial, courses=courses)
    return render(request, "homework/form.html", {"form": form, "has_courses": courses.exists()})


@login_required
def homework_edit(request: AuthedRequest, homework_id: int) -> HttpResponse:
    user = request.user
    homework = access.access_homework_for_edit(user, homework_id)
    attachments = list(homework.attachments.all())
    if request.method == "POST":
        form = HomeworkForm(request.POST, request.FILES, courses=None, editing=True)
        if form.is_valid():
            remove = [i for v in request.POST.getlist("remove") if (i := parse_id(v)) is not None]
            try:
                services.homework_update(
                    actor=user,
                    homework=homework,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    set_on=form.cleaned_data["set_on"],
                    due_on=form.cleaned_data["due_on"],
                    add_files=form.cleaned_data["uploads"],
                    remove_attachment_ids=remove,
                )
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, _("Homework saved."))
                return redirect("homework:detail", homework.pk)
    else:
        form = HomeworkForm(
            initial={
                "title": homework.title,
                "description": homework.description,
                "set_on": homework.set_on,
                "due_on": homework.due_on,
            },
            courses=None,
            editing=True,
        )
    return render(
        request,
        "homework/form.html",
        {"form": form, "homework": homework, "attachments": attachments, "has_courses": True},
    )


@login_required
@require_POST
def homework_delete(request: AuthedRequest, homework_id: int) -> HttpResponse:
    user = request.user
    homework = access.access_homework_for_edit(user, homework_id)
    services.homework_delete(actor=user, homework=homework)
    messages.success(request, _("Homework deleted."))
    return redirect("homework:list")


@login_required
@require_POST
def homework_toggle_done(request: AuthedRequest, homework_id: int) -> HttpResponse:
    user = request.user
    homework = access.access_homework(user, homework_id)
    student = access.access_own_student_for_homework(user, homework)
    done = request.POST.get("done") == "1"
    services.homework_mark_done(actor=user, homework=homework, student=student, done=done)
    homework.is_done = done  # type: ignore[attr-defined]
    if getattr(request, "htmx", False):
        return render(request, "homework/_done.html", {"homework": homework, "can_tick": True})
    target = request.POST.get("next", "")
    if target == "detail":
        return redirect("homework:detail", homework.pk)
    return redirect("homework:list")


@login_required
def attachment_download(
    request: AuthedRequest, homework_id: int, attachment_id: int
) -> HttpResponseBase:
    user = request.user
    attachment = access.access_attachment(user, homework_id, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
