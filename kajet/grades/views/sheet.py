"""The teacher's grade sheet: a column of marks, editing, correcting and removing a mark."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import User
from kajet.grades import access, selectors, services
from kajet.grades.forms import (
    ColumnForm,
    CorrectForm,
    DeleteForm,
    MarkEditForm,
)
from kajet.grades.models import Grade, scale_from_row
from kajet.grades.scale import GRADE_WORDS
from kajet.school.models import Course, Term


def _is_htmx(request: AuthedRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _term_of(course: Course, term_id: int) -> Term:
    try:
        return Term.objects.get(pk=term_id, year_id=course.year_id)
    except Term.DoesNotExist:
        raise Http404 from None


@login_required
def sheet(request: AuthedRequest, course_id: int, term_id: int) -> HttpResponse:
    user = request.user
    course = access.access_sheet(user, course_id, write=False)
    term = _term_of(course, term_id)
    data = selectors.course_sheet(course, term)
    return render(
        request,
        "grades/sheet.html",
        {"sheet": data, "can_edit": course.teacher_id == user.pk, "grade_words": GRADE_WORDS},
    )


@login_required
def sheet_current(request: AuthedRequest, course_id: int) -> HttpResponse:
    """The sheet of the term we are in."""
    user = request.user
    course = access.access_sheet(user, course_id, write=False)
    term = selectors.current_term(course.year_id, timezone.localdate())
    if term is None:
        raise Http404
    return redirect("grades:sheet", course_id=course.pk, term_id=term.pk)


@login_required
@require_http_methods(["GET", "POST"])
def column_new(request: AuthedRequest, course_id: int, term_id: int) -> HttpResponse:
    """Add a column and the marks of the whole class in one save (all or nothing)."""
    user = request.user
    course = access.access_sheet(user, course_id, write=True)
    term = _term_of(course, term_id)
    students = services.course_students(course)
    scale_row = selectors.course_scale(course)
    errors: dict[int, str] = {}
    if request.method == "POST":
        form = ColumnForm(request.POST)
        if form.is_valid():
            cells = [
                services.Cell(
                    student_id=s.pk,
                    text=request.POST.get(f"mark-{s.pk}", ""),
                    comment=request.POST.get(f"comment-{s.pk}", ""),
                )
                for s in students
            ]
            try:
                _column, grades = services.column_add(
                    actor=user,
                    course=course,
                    term=term,
                    category=form.cleaned_data["category"],
                    date=form.cleaned_data["date"],
                    description=form.cleaned_data["description"],
                    weight=form.cleaned_data["weight"],
                    cells=cells,
                    scale=scale_row,
                )
            except services.ColumnInvalid as invalid:
                errors = invalid.errors
                messages.error(request, invalid.message)
            except services.GradeError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Saved %(count)d marks.") % {"count": len(grades)})
                return redirect("grades:sheet", course_id=course.pk, term_id=term.pk)
    else:
        form = ColumnForm(initial={"date": timezone.localdate()})
    rows = [
        {
            "student": s,
            "mark": request.POST.get(f"mark-{s.pk}", "") if request.method == "POST" else "",
            "comment": request.POST.get(f"comment-{s.pk}", "") if request.method == "POST" else "",
            "error": errors.get(s.pk, ""),
        }
        for s in students
    ]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "grades/column_form.html",
        {
            "course": course,
            "term": term,
            "form": form,
            "rows": rows,
            "scale": scale_from_row(scale_row) if scale_row is not None else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grade_edit(request: AuthedRequest, grade_id: int) -> HttpResponse:
    """Edit one mark in place (HTMX swaps the cell); a stale version is a conflict that
    keeps what the teacher typed and shows the current mark."""
    user = request.user
    grade = access.access_grade_for_change(user, grade_id)
    conflict: Grade | None = None
    error = ""
    if request.method == "POST":
        form = MarkEditForm(request.POST)
        if form.is_valid():
            try:
                services.grade_update(
                    actor=user,
                    grade=grade,
                    text=form.cleaned_data["text"],
                    comment=form.cleaned_data["comment"],
                    version=form.cleaned_data["version"],
                )
            except services.GradeConflict as clash:
                conflict = clash.current if isinstance(clash.current, Grade) else None
                error = clash.message
                if conflict is not None:
                    # Keep what was typed; offer to save it over the current version.
                    data = request.POST.copy()
                    data["version"] = str(conflict.version)
                    form = MarkEditForm(data)
                    form.is_valid()
            except services.GradeError as failure:
                error = failure.message
            else:
                if _is_htmx(request):
                    return _render_cell(request, grade, user)
                messages.success(request, _("The mark was changed."))
                return redirect("grades:sheet", course_id=grade.course_id, term_id=grade.term_id)
    else:
        form = MarkEditForm(
            initial={
                "text": grade.text or grade.descriptive,  # a text scale keeps the comment
                "comment": grade.comment,
                "version": grade.version,
            }
        )
    template = "grades/grade_edit.html"
    if _is_htmx(request):
        template += "#editor"
    status = 409 if conflict is not None else (400 if error else 200)
    return render(
        request,
        template,
        {"grade": grade, "form": form, "error": error, "conflict": conflict},
        status=status,
    )


@login_required
def grade_cell(request: AuthedRequest, grade_id: int) -> HttpResponse:
    """One cell of the sheet (HTMX: "cancel" in the in-place editor)."""
    user = request.user
    grade = access.access_grade_for_change(user, grade_id)
    return _render_cell(request, grade, user)


def _render_cell(request: AuthedRequest, grade: Grade, user: User) -> HttpResponse:
    correction = None
    if grade.corrects_id is None:
        correction = Grade.objects.filter(corrects=grade, deleted_at__isnull=True).first()
        cell_grade = grade
    else:
        correction = grade
        cell_grade = Grade.objects.get(pk=grade.corrects_id)
    return render(
        request,
        "grades/sheet.html#cell",
        {"cell": selectors.SheetCell(cell_grade, correction), "can_edit": True},
    )


def _grade_action_page(
    request: AuthedRequest,
    grade: Grade,
    *,
    form_class: Any,
    template: str,
    save: Any,
    done: str,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form about one mark (correct, delete): GET shows it; POST validates it and calls
    ``save(cleaned_data)`` — back to the sheet with ``done``, or the form again with the
    service's error (400), nothing saved."""
    error = ""
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except services.GradeError as failure:
                error = failure.message
            else:
                messages.success(request, done)
                return redirect("grades:sheet", course_id=grade.course_id, term_id=grade.term_id)
    else:
        form = form_class(initial=initial)
    return render(
        request,
        template,
        {"grade": grade, "form": form, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grade_correct(request: AuthedRequest, grade_id: int) -> HttpResponse:
    user = request.user
    grade = access.access_grade_for_change(user, grade_id)
    return _grade_action_page(
        request,
        grade,
        form_class=CorrectForm,
        template="grades/grade_correct.html",
        save=lambda data: services.grade_correct(
            actor=user, grade=grade, text=data["text"], comment=data["comment"]
        ),
        done=_("The correction was saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def grade_delete(request: AuthedRequest, grade_id: int) -> HttpResponse:
    user = request.user
    grade = access.access_grade_for_change(user, grade_id)
    return _grade_action_page(
        request,
        grade,
        form_class=DeleteForm,
        template="grades/grade_delete.html",
        save=lambda data: services.grade_delete(
            actor=user, grade=grade, reason=data["reason"], version=data["version"]
        ),
        done=_("The mark was deleted. Its history is kept."),
        initial={"version": grade.version},
    )
