"""The support staff's pages: find a student, the student card with one's notes, a note
with its history. Thin: access helper → form → service → render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kajet.accounts.http import AuthedRequest
from kajet.audit.services import access_log_view
from kajet.core.numbers import parse_id
from kajet.support import access, selectors, services
from kajet.support.forms import NoteForm, SearchForm


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The classes, a class's students, or the students found by name."""
    user = request.user
    access.require(user, "support.student_card")
    classes = selectors.classes_for_support(request.school.pk)
    class_id = parse_id(request.GET.get("klasa", ""))
    chosen = next((c for c in classes if c.pk == class_id), None)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    students = selectors.students_for_support(
        user, class_id=chosen.pk if chosen else None, query=query
    )
    context = {
        "classes": classes,
        "chosen": chosen,
        "form": form,
        "query": query,
        "students": students,
        "limit": selectors.SEARCH_LIMIT,
    }
    return render(request, "support/index.html", context)


@login_required
def student(request: AuthedRequest, student_id: int) -> HttpResponse:
    user = request.user
    pupil = access.access_student_card(user, student_id)
    access_log_view(request, pupil)
    card = selectors.student_card(user, pupil)
    can_write = access.can(user, "support.note_write")
    form = NoteForm(initial={"date": timezone.localdate()}) if can_write else None
    context = {"card": card, "student": pupil, "form": form, "can_write": can_write}
    return render(request, "support/student.html", context)


@login_required
@require_POST
def note_add(request: AuthedRequest, student_id: int) -> HttpResponse:
    user = request.user
    access.require(user, "support.note_write")
    pupil = access.access_student_card(user, student_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.support_note_add(
                actor=user,
                student=pupil,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("The note is saved."))
            return redirect("support:student", pupil.pk)
    card = selectors.student_card(user, pupil)
    context = {"card": card, "student": pupil, "form": form, "can_write": True}
    return render(request, "support/student.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def note(request: AuthedRequest, note_id: int) -> HttpResponse:
    """A note with its history; its author changes it here."""
    user = request.user
    found = access.access_note(user, note_id)
    editable = access.may_edit(user, found)
    form = None
    if editable:
        initial = {"date": found.date, "text": found.text, "version": found.version}
        form = NoteForm(request.POST if request.method == "POST" else None, initial=initial)
    elif request.method == "POST":
        access.access_note_for_edit(user, note_id)  # 404: only the author changes a note
    if form is not None and form.is_bound and form.is_valid():
        try:
            services.support_note_update(
                actor=user,
                note=found,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"] or 0,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The note is saved."))
            return redirect("support:student", found.student_id)
    context = {
        "note": found,
        "form": form,
        "history": selectors.note_history(found),
    }
    return render(request, "support/note.html", context)
