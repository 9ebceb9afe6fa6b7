"""The school office's student pages: hub, list, detail, add, edit, guardians, move, end of
enrolment, and password resets (one login or a whole class)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.school import services
from kajet.school.access import (
    access_guardian,
    access_managed_class,
    access_managed_student,
    can,
    office_sections,
    require,
)
from kajet.school.forms import (
    ClassResetForm,
    EndEnrolmentForm,
    GuardianForm,
    MoveForm,
    StudentEditForm,
    StudentFilterForm,
    StudentForm,
)
from kajet.school.selectors import classes_for_office, student_detail, student_page_for_office
from kajet.school.services import GuardianInput, StudentInput
from kajet.school.slips import slips_store
from kajet.school.views.common import family_slips, single_slip

#: History codes shown on the student page, in words.
HISTORY_LABELS = {
    "school.student.enrolled": gettext_lazy("Enrolled"),
    "school.student.moved": gettext_lazy("Moved to another class"),
    "school.student.enrolment_ended": gettext_lazy("Enrolment ended"),
    "school.student.changed": gettext_lazy("Details corrected"),
    "school.student.guardian_added": gettext_lazy("Guardian added"),
}


@login_required
def hub(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not office_sections(user):
        raise Http404
    sections = {
        "students": can(user, "student.manage"),
        "import": can(user, "student.import"),
        "staff": can(user, "staff.view"),
        "staff_import": can(user, "staff.manage"),
        "locks": can(user, "signin_lock.manage"),
        "structure": can(user, "structure.manage"),
        "courses": can(user, "course.manage"),
        "settings": can(user, "school.settings"),
        "rollover": can(user, "year.rollover"),
    }
    classes = classes_for_office(user.school_id or 0) if sections["students"] else []
    return render(request, "school/hub.html", {"sections": sections, "classes": classes})


@login_required
def student_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "student.manage")
    classes = classes_for_office(user.school_id or 0)
    form = StudentFilterForm(request.GET or None, classes=classes)
    class_id, query, former = None, "", False
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["klasa"]
        class_id = chosen.pk if chosen else None
        query = form.cleaned_data["q"]
        former = form.cleaned_data["byli"]
    page = student_page_for_office(
        school_id=user.school_id or 0,
        class_id=class_id,
        query=query,
        include_former=former,
        page=request.GET.get("strona"),
    )
    params = request.GET.copy()
    params.pop("strona", None)
    return render(
        request,
        "school/student_list.html",
        {
            "form": form,
            "page": page,
            "classes": classes,
            "class_id": class_id,
            "query_string": params.urlencode(),
        },
    )


@login_required
def student_detail_view(request: AuthedRequest, student_id: int) -> HttpResponse:
    user = request.user
    student = access_managed_student(user, student_id)
    detail = student_detail(student)
    history = [{"entry": e, "label": HISTORY_LABELS.get(e.code, e.code)} for e in detail.history]
    return render(
        request,
        "school/student_detail.html",
        {"detail": detail, "student": student, "history": history},
    )


@login_required
@never_cache
def student_add(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "student.manage")
    school = request.school
    data = request.POST if request.method == "POST" else None
    form = StudentForm(data, school=school)
    guardian_forms = [
        GuardianForm(data, school=school, optional=False, prefix="g1"),
        GuardianForm(data, school=school, optional=True, prefix="g2"),
    ]
    if data is not None and form.is_valid() and all(g.is_valid() for g in guardian_forms):
        guardians = _guardian_inputs(guardian_forms)
        if guardians is not None:
            (result,) = services.students_enrol(
                school=school,
                actor=user,
                rows=[
                    StudentInput(
                        first_name=form.cleaned_data["first_name"],
                        last_name=form.cleaned_data["last_name"],
                        school_class=form.cleaned_data["school_class"],
                        birth_date=form.cleaned_data["birth_date"],
                        guardians=guardians,
                    )
                ],
            )
            response = redirect("school:issued")
            slips_store(request, response, family_slips([result]))
            messages.success(request, _("The student has been enrolled."))
            return response
    return render(
        request, "school/student_add.html", {"form": form, "guardian_forms": guardian_forms}
    )


def _guardian_inputs(guardian_forms: list[GuardianForm]) -> list[GuardianInput] | None:
    """The guardians to enrol, or None (with a form error) if the same login is used twice."""
    guardians: list[GuardianInput] = []
    existing_ids: set[int] = set()
    for g in guardian_forms:
        mode = g.cleaned_data["mode"]
        if mode == GuardianForm.MODE_NONE:
            continue
        existing = g.cleaned_data.get("existing") if mode == GuardianForm.MODE_EXISTING else None
        if existing is not None:
            if existing.pk in existing_ids:
                g.add_error("login", _("This guardian is already linked above."))
                return None
            existing_ids.add(existing.pk)
        guardians.append(
            GuardianInput(
                first_name=g.cleaned_data["first_name"],
                last_name=g.cleaned_data["last_name"],
                email=g.cleaned_data["email"],
                relation=g.cleaned_data["relation"],
                existing=existing,
            )
        )
    return guardians


@login_required
def student_edit(request: AuthedRequest, student_id: int) -> HttpResponse:
    user = request.user
    student = access_managed_student(user, student_id)
    initial = {
        "first_name": student.user.first_name,
        "last_name": student.user.last_name,
        "birth_date": student.birth_date,
        "class_number": student.class_number,
    }
    form = StudentEditForm(
        request.POST if request.method == "POST" else None, initial=initial, student=student
    )
    if request.method == "POST" and form.is_valid():
        services.student_update(actor=user, student=student, **form.cleaned_data)
        messages.success(request, _("The changes have been saved."))
        return redirect("school:student_detail", student.pk)
    return render(request, "school/student_edit.html", {"form": form, "student": student})


@login_required
@never_cache
def guardian_add(request: AuthedRequest, student_id: int) -> HttpResponse:
    user = request.user
    student = access_managed_student(user, student_id)
    form = GuardianForm(
        request.POST if request.method == "POST" else None,
        school=request.school,
        optional=False,
        prefix="g",
    )
    if request.method == "POST" and form.is_valid():
        existing = form.cleaned_data.get("existing")
        if existing is not None and student.guardianships.filter(guardian=existing).exists():
            form.add_error("login", _("This guardian is already linked to the student."))
        else:
            issued = services.guardian_add(
                actor=user,
                student=student,
                guardian=GuardianInput(
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    email=form.cleaned_data["email"],
                    relation=form.cleaned_data["relation"],
                    existing=existing if form.cleaned_data["mode"] == "existing" else None,
                ),
            )
            messages.success(request, _("The guardian has been linked."))
            if issued is None:
                return redirect("school:student_detail", student.pk)
            response = redirect("school:issued")
            slips_store(
                request, response, [single_slip(issued, class_name=student.school_class.name)]
            )
            return response
    return render(request, "school/guardian_add.html", {"form": form, "student": student})


@login_required
def student_move(request: AuthedRequest, student_id: int) -> HttpResponse:
    user = request.user
    student = access_managed_student(user, student_id)
    if not student.is_enrolled:
        raise Http404
    form = MoveForm(request.POST if request.method == "POST" else None, student=student)
    if request.method == "POST" and form.is_valid():
        services.student_move(
            actor=user, student=student, school_class=form.cleaned_data["school_class"]
        )
        messages.success(
            request,
            _("Moved to class %(name)s with number %(number)s.")
            % {"name": student.school_class.name, "number": student.class_number},
        )
        return redirect("school:student_detail", student.pk)
    return render(request, "school/student_move.html", {"form": form, "student": student})


@login_required
def student_end(request: AuthedRequest, student_id: int) -> HttpResponse:
    user = request.user
    student = access_managed_student(user, student_id)
    if not student.is_enrolled:
        raise Http404
    form = EndEnrolmentForm(request.POST if request.method == "POST" else None, student=student)
    if request.method == "POST" and form.is_valid():
        services.student_end_enrolment(
            actor=user, student=student, left_on=form.cleaned_data["left_on"]
        )
        messages.success(request, _("The enrolment has ended; the student's data is kept."))
        return redirect("school:student_detail", student.pk)
    return render(request, "school/student_end.html", {"form": form, "student": student})


@login_required
@require_POST
@never_cache
def student_password_reset(request: AuthedRequest, student_id: int) -> HttpResponse:
    user = request.user
    require(user, "student.reset_password")
    student = access_managed_student(user, student_id)
    if not student.is_enrolled:
        raise Http404
    issued = services.login_password_reset(actor=user, user=student.user)
    response = redirect("school:issued")
    slips_store(request, response, [single_slip(issued, class_name=student.school_class.name)])
    return response


@login_required
@require_POST
@never_cache
def guardian_password_reset(request: AuthedRequest, guardian_id: int) -> HttpResponse:
    user = request.user
    require(user, "student.reset_password")
    guardian = access_guardian(user, guardian_id)
    if not guardian.is_active:
        raise Http404
    issued = services.login_password_reset(actor=user, user=guardian)
    response = redirect("school:issued")
    slips_store(request, response, [single_slip(issued)])
    return response


@login_required
@never_cache
def class_reset(request: AuthedRequest, class_id: int) -> HttpResponse:
    """New passwords and slips for a whole class, after a confirmation step."""
    user = request.user
    require(user, "login_slips.print")
    school_class = access_managed_class(user, class_id)
    form = ClassResetForm(request.POST if request.method == "POST" else None)
    enrolled = school_class.students.filter(left_on__isnull=True).count()
    if request.method == "POST" and form.is_valid():
        results = services.class_logins_reset(
            actor=user,
            school_class=school_class,
            include_guardians=form.cleaned_data["include_guardians"],
        )
        response = redirect("school:issued")
        slips_store(request, response, family_slips(results))
        messages.success(
            request,
            _("New passwords issued for class %(name)s. Print the slips now.")
            % {"name": school_class.name},
        )
        return response
    return render(
        request,
        "school/class_reset.html",
        {"form": form, "school_class": school_class, "enrolled": enrolled},
    )
