"""The grades page (family users and staff who may see a student), a mark's detail and the
what-if calculator."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import Role
from kajet.audit.services import access_log_view
from kajet.grades import access, page_cache, selectors, services
from kajet.grades.scale import GRADE_WORDS
from kajet.grades.views.sheet import _is_htmx
from kajet.grades.what_if import TARGET_GRADES, WhatIfInput
from kajet.grades.what_if import what_if as calculate_what_if
from kajet.school.access import roles_of
from kajet.school.models import SchoolClass


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """Family users get their grades; staff get their courses, classes and settings."""
    user = request.user
    roles = roles_of(user)
    if roles & access.PERMISSIONS["grades.view_own"]:
        return _family_page(request)
    if not roles & access.index_roles():
        raise Http404
    courses = selectors.teacher_courses(user) if Role.TEACHER in roles else []
    homeroom = list(SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True))
    all_classes = (
        list(SchoolClass.objects.filter(year__is_current=True))
        if roles & access.SCHOOL_READERS
        else []
    )
    return render(
        request,
        "grades/staff_index.html",
        {
            "courses": courses,
            "homeroom_classes": homeroom,
            "all_classes": all_classes,
            "can_policy": bool(roles & access.PERMISSIONS["grades.policy"]),
        },
    )


def _family_page(request: AuthedRequest) -> HttpResponse:
    children, selected = selectors.family_children_probed(request)
    return _grades_page(request, children, selected, record_visit=True)


@login_required
def student_page(request: AuthedRequest, student_id: int) -> HttpResponse:
    """One student's grades: a family user's own child (or themself), or — read-only, for
    staff who may see the student — the same page the family sees."""
    user = request.user
    roles = roles_of(user)
    if roles & access.PERMISSIONS["grades.view_own"]:
        children, selected = selectors.family_children_probed(request, student_id=student_id)
        if selected is None or selected.pk != student_id:
            raise Http404
        return _grades_page(request, children, selected, record_visit=True)
    student = access.access_student_grades(user, student_id)
    access_log_view(request, student)
    return _grades_page(request, [], student, record_visit=False)


#: How long a rendered grades fragment is kept. Entries are never stale (the key holds a
#: stamp of everything they show); this only bounds the cache's memory.
GRADES_FRAGMENT_SECONDS = 3600


def _grades_page(
    request: AuthedRequest, children: list[Any], selected: Any, *, record_visit: bool
) -> HttpResponse:
    """A student's grades. For family users (``record_visit``) the grades below the heading
    are rendered once per viewer and change of data and then served from the cache (see
    ``page_cache``); staff get them built afresh."""
    user = request.user
    context: dict[str, Any] = {"children": children, "selected": selected}
    if selected is None:
        return render(request, "grades/family.html", context)
    seen_at = getattr(selected, "grades_seen_at", None)
    asked = request.GET.get("okres", "")
    if asked not in ("1", "2", "rok"):
        asked = ""
    key = None
    cached = None
    if record_visit:
        key = page_cache.page_key(selected, variant=(seen_at, asked, get_language()))
        cached = cache.get(key)
    if cached is not None:
        grades_html, newest = cached
        grades_html = mark_safe(grades_html)  # rendered below by our own template
    else:
        data = selectors.student_grades(selected, seen_at=seen_at)
        selectors.with_urls(data, lambda pk: reverse("grades:mark", args=[pk]))
        newest = selectors.newest_grade_at(data)
        period = asked
        if not period:
            has_second = any(s.terms[1].marks or s.terms[1].proposed for s in data.subjects)
            period = "2" if has_second else "1"
        grades_html = render_to_string(
            "grades/_student_grades.html",
            {
                "selected": selected,
                "data": data,
                "period": period,
                "term_index": int(period) - 1 if period in ("1", "2") else None,
                "target_choices": [(g, GRADE_WORDS[g]) for g in TARGET_GRADES],
                "show_averages": access.averages_shown(user, data.policy),
                "behaviour": selectors.student_behaviour(selected),
            },
        )
        if key is not None:
            cache.set(key, (str(grades_html), newest), GRADES_FRAGMENT_SECONDS)
    # Remember the visit only when it showed something new (or is the first), so a quiet
    # revisit stays a read-only page.
    if record_visit and (seen_at is None or (newest is not None and newest > seen_at)):
        services.grades_visit_record(user=user, student=selected, at=timezone.now())
    context["grades_html"] = grades_html
    return render(request, "grades/family.html", context)


@login_required
def mark_detail(request: AuthedRequest, grade_id: int) -> HttpResponse:
    user = request.user
    grade = access.access_grade_for_view(user, grade_id)
    detail = selectors.mark_detail(grade)
    template = "grades/mark_detail.html"
    if _is_htmx(request):
        template += "#detail"
    return render(request, template, {"detail": detail, "grade": grade})


@login_required
@require_http_methods(["GET", "POST"])
def what_if(request: AuthedRequest) -> HttpResponse:
    """Hypothetical marks added to a student's real marks in one subject and term: the new
    average and suggested grade, and the mark needed for a target grade. Computed by the
    same pure functions as every average in Kajet."""
    user = request.user
    params = request.POST if request.method == "POST" else request.GET
    try:
        student_id = int(params.get("student", ""))
        course_id = int(params.get("course", ""))
    except ValueError:
        raise Http404 from None
    student = access.access_student_grades(user, student_id)
    data = selectors.student_grades(student)
    if not access.averages_shown(user, data.policy):
        raise Http404  # the school does not show averages to families
    subject = next((s for s in data.subjects if s.course.pk == course_id), None)
    if subject is None:
        raise Http404
    period = params.get("period", "year")
    if period in ("1", "2"):
        real = [m.grade for m in subject.terms[int(period) - 1].marks]
    else:
        real = [m.grade for t in subject.terms for m in t.marks]
    question = WhatIfInput.from_fields(
        params.getlist("mark"),
        params.getlist("weight"),
        params.get("target", ""),
        params.get("target_weight", "1"),
    )
    answer = calculate_what_if([selectors.weighted(g) for g in real], question, data.policy)
    context = {
        "student": student,
        "subject": subject,
        "period": period,
        "current": answer.current,
        "current_suggested": answer.current_suggested,
        "new": answer.new,
        "new_suggested": answer.new_suggested,
        "needed": answer.needed,
        "target": question.target,
        "errors": list(answer.errors),
        "rows": [{"mark": r.mark, "weight": r.weight} for r in question.rows]
        or [{"mark": "", "weight": "1"}],
        "grade_words": GRADE_WORDS,
        "target_choices": [(g, GRADE_WORDS[g]) for g in TARGET_GRADES],
    }
    template = "grades/what_if.html"
    if _is_htmx(request):
        template += "#result"
    return render(request, template, context)
