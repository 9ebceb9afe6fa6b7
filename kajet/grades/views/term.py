"""Term and annual grades, the class overview and behaviour grades."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kajet.accounts.http import AuthedRequest
from kajet.core.numbers import parse_whole
from kajet.grades import access, selectors, services
from kajet.grades.models import Grade
from kajet.grades.scale import BEHAVIOUR_WORDS, GRADE_WORDS
from kajet.grades.views.sheet import _term_of
from kajet.school.models import SchoolClass, Term

KIND_SLUGS = {
    ("term", "proposed"): Grade.Kind.PROPOSED_TERM,
    ("term", "final"): Grade.Kind.FINAL_TERM,
    ("annual", "proposed"): Grade.Kind.PROPOSED_ANNUAL,
    ("annual", "final"): Grade.Kind.FINAL_ANNUAL,
}


@login_required
@require_http_methods(["GET", "POST"])
def term_grades(request: AuthedRequest, course_id: int, term_id: int, which: str) -> HttpResponse:
    """Propose or set the final term grades (``term_id``) or annual grades (``term_id`` 0)
    of a course, with each student's average and suggested grade beside the field."""
    user = request.user
    course = access.access_sheet(user, course_id, write=True)
    scope = "annual" if term_id == 0 else "term"
    kind = KIND_SLUGS.get((scope, which))
    if kind is None:
        raise Http404
    term = None if term_id == 0 else _term_of(course, term_id)
    sheet_term = term or selectors.current_term(course.year_id, timezone.localdate())
    if sheet_term is None:
        raise Http404
    data = selectors.course_sheet(course, sheet_term)
    errors: dict[int, str] = {}
    if request.method == "POST":
        try:
            saved = services.term_grades_set(
                actor=user,
                course=course,
                kind=kind,
                term=term,
                rows=_posted_rows(request, data),
                policy=data.policy,
            )
        except services.ColumnInvalid as invalid:
            errors = invalid.errors
            messages.error(request, invalid.message)
        except services.GradeError as failure:
            messages.error(request, failure.message)
        else:
            messages.success(request, _("Saved %(count)d grades.") % {"count": len(saved)})
            return redirect("grades:sheet", course_id=course.pk, term_id=sheet_term.pk)
    lines = [_term_line(request, row, kind, term, errors) for row in data.rows]
    return render(
        request,
        "grades/term_grades.html",
        {
            "course": course,
            "term": term,
            "sheet_term": sheet_term,
            "kind": kind,
            "kind_label": Grade.Kind(kind).label,
            "lines": lines,
            "descriptive": data.descriptive,
            "grade_choices": [(g, GRADE_WORDS[g]) for g in (6, 5, 4, 3, 2, 1)],
            "show_averages": True,
        },
        status=400 if request.method == "POST" else 200,
    )


def _posted_rows(request: AuthedRequest, data: selectors.Sheet) -> list[services.TermGradeInput]:
    """The rows the form sent (a student whose fields are missing is left alone)."""
    rows = []
    for row in data.rows:
        pk = row.student.pk
        if f"value-{pk}" not in request.POST and f"descriptive-{pk}" not in request.POST:
            continue
        version_text = request.POST.get(f"version-{pk}", "")
        rows.append(
            services.TermGradeInput(
                student_id=pk,
                value=request.POST.get(f"value-{pk}", ""),
                descriptive=request.POST.get(f"descriptive-{pk}", ""),
                version=parse_whole(version_text),
            )
        )
    return rows


def _existing_and_shown(row: selectors.SheetRow, kind: str) -> tuple[Grade | None, Grade | None]:
    """The grade being set for ``kind`` and the proposal shown beside a final grade."""
    if kind == Grade.Kind.PROPOSED_TERM:
        return row.proposed, None
    if kind == Grade.Kind.FINAL_TERM:
        return row.final, row.proposed
    if kind == Grade.Kind.PROPOSED_ANNUAL:
        return row.proposed_annual, None
    return row.final_annual, row.proposed_annual


def _term_line(
    request: AuthedRequest,
    row: selectors.SheetRow,
    kind: str,
    term: Term | None,
    errors: dict[int, str],
) -> dict[str, Any]:
    """One student's line of the form: the posted values after a refused POST, else the
    saved grade."""
    existing, shown = _existing_and_shown(row, kind)
    pk = row.student.pk
    posted = request.method == "POST"
    return {
        "student": row.student,
        "average": row.year_average if term is None else row.average,
        "suggested": row.year_suggested if term is None else row.suggested,
        "existing": existing,
        "proposed": shown,
        "value": request.POST.get(f"value-{pk}", "")
        if posted
        else (existing.text if existing else ""),
        "descriptive": request.POST.get(f"descriptive-{pk}", "")
        if posted
        else (existing.descriptive if existing else ""),
        "version": existing.version if existing else "",
        "error": errors.get(pk, ""),
    }


def _period_term(school_class: SchoolClass, request: AuthedRequest) -> tuple[Term | None, str]:
    period = request.GET.get("okres", "")
    if period == "rok":
        return None, "rok"
    terms = list(Term.objects.filter(year_id=school_class.year_id).order_by("number"))
    chosen = next((t for t in terms if str(t.number) == period), None)
    if chosen is None:
        chosen = selectors.current_term(school_class.year_id, timezone.localdate())
    return chosen, str(chosen.number) if chosen else "rok"


@login_required
def class_overview(request: AuthedRequest, class_id: int) -> HttpResponse:
    user = request.user
    school_class = access.access_overview_class(user, class_id)
    term, period = _period_term(school_class, request)
    overview = selectors.class_overview(school_class, term)
    return render(
        request,
        "grades/overview.html",
        {
            "overview": overview,
            "period": period,
            "behaviour_words": BEHAVIOUR_WORDS,
            "can_behaviour": school_class.homeroom_teacher_id == user.pk,
            "at_risk": [r for r in overview.rows if r.at_risk],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def behaviour(request: AuthedRequest, class_id: int) -> HttpResponse:
    user = request.user
    school_class = access.access_behaviour_class(user, class_id)
    term, period = _period_term(school_class, request)
    errors: dict[int, str] = {}
    rows = selectors.behaviour_sheet(school_class, term)
    if request.method == "POST":
        inputs = []
        for student, _existing in rows:
            raw = request.POST.get(f"value-{student.pk}", "")
            version_text = request.POST.get(f"version-{student.pk}", "")
            inputs.append(
                services.BehaviourInput(
                    student_id=student.pk,
                    value=parse_whole(raw),
                    version=parse_whole(version_text),
                )
            )
        try:
            count = services.behaviour_grades_set(
                actor=user, school_class=school_class, term=term, rows=inputs
            )
        except services.ColumnInvalid as invalid:
            errors = invalid.errors
            messages.error(request, invalid.message)
        except services.GradeError as failure:
            messages.error(request, failure.message)
        else:
            messages.success(request, _("Saved %(count)d behaviour grades.") % {"count": count})
            return redirect(f"{reverse('grades:behaviour', args=[school_class.pk])}?okres={period}")
    lines = [
        {
            "student": student,
            "existing": existing,
            "error": errors.get(student.pk, ""),
            "value": request.POST.get(f"value-{student.pk}", "")
            if request.method == "POST"
            else (str(existing.value) if existing else ""),
        }
        for student, existing in rows
    ]
    return render(
        request,
        "grades/behaviour.html",
        {
            "school_class": school_class,
            "period": period,
            "lines": lines,
            "choices": [(str(v), w) for v, w in BEHAVIOUR_WORDS.items()],
        },
        status=400 if errors else 200,
    )
