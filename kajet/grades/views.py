"""Grades pages: the family's grades, the teacher's grade sheet and column entry, editing,
correcting and deleting a mark, term/annual and behaviour grades, the class overview, the
what-if calculator and the school's grading policy. Thin views: access → form → service."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kajet.accounts.http import request_user
from kajet.accounts.models import Role
from kajet.grades import access, page_cache, selectors, services
from kajet.grades.averages import WeightedMark, needed_mark, suggested_grade, weighted_average
from kajet.grades.forms import (
    CategoryForm,
    ColumnForm,
    CorrectForm,
    DeleteForm,
    MarkEditForm,
    PolicyForm,
)
from kajet.grades.models import Grade, GradeCategory, GradingPolicy
from kajet.grades.scale import BEHAVIOUR_WORDS, GRADE_WORDS, MarkError, parse_mark
from kajet.school.access import roles_of
from kajet.school.models import Course, SchoolClass, Term


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- Entry ---------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Family users get their grades; staff get their courses, classes and settings."""
    user = request_user(request)
    roles = roles_of(user)
    if roles & access.PERMISSIONS["grades.view_own"]:
        return _family_page(request)
    staff_roles = (
        access.PERMISSIONS["grades.view_sheet"]
        | access.PERMISSIONS["grades.class_overview"]
        | access.PERMISSIONS["grades.policy"]
    )
    if not roles & staff_roles:
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


def _family_page(request: HttpRequest) -> HttpResponse:
    children, selected = selectors.family_children_probed(request)
    return _grades_page(request, children, selected, record_visit=True)


@login_required
def student_page(request: HttpRequest, student_id: int) -> HttpResponse:
    """One student's grades: a family user's own child (or themself), or — read-only, for
    staff who may see the student — the same page the family sees."""
    user = request_user(request)
    roles = roles_of(user)
    if roles & access.PERMISSIONS["grades.view_own"]:
        children, selected = selectors.family_children_probed(request, student_id=student_id)
        if selected is None or selected.pk != student_id:
            raise Http404
        return _grades_page(request, children, selected, record_visit=True)
    student = access.access_student_grades(user, student_id)
    return _grades_page(request, [], student, record_visit=False)


#: How long a rendered grades fragment is kept. Entries are never stale (the key holds a
#: stamp of everything they show); this only bounds the cache's memory.
GRADES_FRAGMENT_SECONDS = 3600


def _grades_page(
    request: HttpRequest, children: list[Any], selected: Any, *, record_visit: bool
) -> HttpResponse:
    """A student's grades. For family users (``record_visit``) the grades below the heading
    are rendered once per viewer and change of data and then served from the cache (see
    ``page_cache``); staff get them built afresh."""
    user = request_user(request)
    context: dict[str, Any] = {"children": children, "selected": selected}
    if selected is None:
        return render(request, "grades/family.html", context)
    seen_at = getattr(selected, "grades_seen_at", None)
    asked = request.GET.get("okres", "")
    if asked not in ("1", "2", "rok"):
        asked = ""
    # Staff always see averages; families when the school's policy shows them.
    staff_view = not record_visit
    key = None
    cached = None
    if record_visit:
        key = page_cache.page_key(selected, variant=(seen_at, asked, get_language()))
        cached = cache.get(key)
    if cached is not None:
        grades_html, newest = cached
        grades_html = mark_safe(grades_html)  # rendered below by our own template
    else:
        data = selectors.student_grades(
            selected, seen_at=seen_at, policy=getattr(selected, "grades_policy", None)
        )
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
                "target_choices": [(g, GRADE_WORDS[g]) for g in (2, 3, 4, 5, 6)],
                "show_averages": data.show_averages or staff_view,
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


# --- Mark detail (family and staff) --------------------------------------------------------


@login_required
def mark_detail(request: HttpRequest, grade_id: int) -> HttpResponse:
    user = request_user(request)
    grade = access.access_grade_for_view(user, grade_id)
    detail = selectors.mark_detail(grade)
    template = "grades/mark_detail.html"
    if _is_htmx(request):
        template += "#detail"
    return render(request, template, {"detail": detail, "grade": grade})


# --- What-if calculator --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def what_if(request: HttpRequest) -> HttpResponse:
    """Hypothetical marks added to a student's real marks in one subject and term: the new
    average and suggested grade, and the mark needed for a target grade. Computed by the
    same pure functions as every average in Kajet."""
    user = request_user(request)
    params = request.POST if request.method == "POST" else request.GET
    try:
        student_id = int(params.get("student", ""))
        course_id = int(params.get("course", ""))
    except ValueError:
        raise Http404 from None
    student = access.access_student_grades(user, student_id)
    data = selectors.student_grades(student)
    family = bool(roles_of(user) & access.PERMISSIONS["grades.view_own"])
    if family and not data.show_averages:
        raise Http404  # the school does not show averages to families
    subject = next((s for s in data.subjects if s.course.pk == course_id), None)
    if subject is None:
        raise Http404
    period = params.get("period", "year")
    if period in ("1", "2"):
        real = [m.grade for m in subject.terms[int(period) - 1].marks]
    else:
        real = [m.grade for t in subject.terms for m in t.marks]
    base = [selectors.weighted(g) for g in real]
    policy = data.policy
    hypothetical: list[WeightedMark] = []
    errors: list[str] = []
    texts = params.getlist("mark")
    weights = params.getlist("weight")
    rows = []
    for i, text in enumerate(texts):
        weight_text = weights[i] if i < len(weights) else "1"
        rows.append({"mark": text, "weight": weight_text})
        if not text.strip():
            continue
        try:
            mark = parse_mark(text, policy)
            weight = Decimal(weight_text.replace(",", ".") or "1")
            if weight < 0:
                raise InvalidOperation
        except MarkError as error:
            errors.append(str(error))
            continue
        except InvalidOperation:
            errors.append(_("“%(weight)s” is not a weight.") % {"weight": weight_text})
            continue
        hypothetical.append(WeightedMark(value=mark.value, weight=weight))
    current = weighted_average(base, policy)
    new = weighted_average(base + hypothetical, policy)
    needed = None
    target = params.get("target", "")
    target_weight_text = params.get("target_weight", "1") or "1"
    if target.isdigit() and 2 <= int(target) <= 6:
        try:
            target_weight = Decimal(target_weight_text.replace(",", "."))
        except InvalidOperation:
            target_weight = Decimal(1)
        needed = needed_mark(base + hypothetical, int(target), target_weight, policy)
    context = {
        "student": student,
        "subject": subject,
        "period": period,
        "current": current,
        "current_suggested": suggested_grade(current, policy),
        "new": new,
        "new_suggested": suggested_grade(new, policy),
        "needed": needed,
        "target": int(target) if target.isdigit() else None,
        "errors": errors,
        "rows": rows or [{"mark": "", "weight": "1"}],
        "grade_words": GRADE_WORDS,
        "target_choices": [(g, GRADE_WORDS[g]) for g in (2, 3, 4, 5, 6)],
    }
    template = "grades/what_if.html"
    if _is_htmx(request):
        template += "#result"
    return render(request, template, context)


# --- Teacher: the grade sheet --------------------------------------------------------------


def _term_of(course: Course, term_id: int) -> Term:
    try:
        return Term.objects.get(pk=term_id, year_id=course.year_id)
    except Term.DoesNotExist:
        raise Http404 from None


@login_required
def sheet(request: HttpRequest, course_id: int, term_id: int) -> HttpResponse:
    user = request_user(request)
    course = access.access_sheet(user, course_id, write=False)
    term = _term_of(course, term_id)
    data = selectors.course_sheet(course, term)
    return render(
        request,
        "grades/sheet.html",
        {"sheet": data, "can_edit": course.teacher_id == user.pk, "grade_words": GRADE_WORDS},
    )


@login_required
def sheet_current(request: HttpRequest, course_id: int) -> HttpResponse:
    """The sheet of the term we are in."""
    user = request_user(request)
    course = access.access_sheet(user, course_id, write=False)
    term = selectors.current_term(course.year_id, timezone.localdate())
    if term is None:
        raise Http404
    return redirect("grades:sheet", course_id=course.pk, term_id=term.pk)


@login_required
@require_http_methods(["GET", "POST"])
def column_new(request: HttpRequest, course_id: int, term_id: int) -> HttpResponse:
    """Add a column and the marks of the whole class in one save (all or nothing)."""
    user = request_user(request)
    course = access.access_sheet(user, course_id, write=True)
    term = _term_of(course, term_id)
    students = services.course_students(course)
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
        {"course": course, "term": term, "form": form, "rows": rows},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grade_edit(request: HttpRequest, grade_id: int) -> HttpResponse:
    """Edit one mark in place (HTMX swaps the cell); a stale version is a conflict that
    keeps what the teacher typed and shows the current mark."""
    user = request_user(request)
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
            initial={"text": grade.text, "comment": grade.comment, "version": grade.version}
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
def grade_cell(request: HttpRequest, grade_id: int) -> HttpResponse:
    """One cell of the sheet (HTMX: "cancel" in the in-place editor)."""
    user = request_user(request)
    grade = access.access_grade_for_change(user, grade_id)
    return _render_cell(request, grade, user)


def _render_cell(request: HttpRequest, grade: Grade, user: Any) -> HttpResponse:
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
    request: HttpRequest,
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
def grade_correct(request: HttpRequest, grade_id: int) -> HttpResponse:
    user = request_user(request)
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
def grade_delete(request: HttpRequest, grade_id: int) -> HttpResponse:
    user = request_user(request)
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


# --- Term and annual grades ----------------------------------------------------------------

KIND_SLUGS = {
    ("term", "proposed"): Grade.Kind.PROPOSED_TERM,
    ("term", "final"): Grade.Kind.FINAL_TERM,
    ("annual", "proposed"): Grade.Kind.PROPOSED_ANNUAL,
    ("annual", "final"): Grade.Kind.FINAL_ANNUAL,
}


@login_required
@require_http_methods(["GET", "POST"])
def term_grades(request: HttpRequest, course_id: int, term_id: int, which: str) -> HttpResponse:
    """Propose or set the final term grades (``term_id``) or annual grades (``term_id`` 0)
    of a course, with each student's average and suggested grade beside the field."""
    user = request_user(request)
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
                    version=int(version_text) if version_text.isdigit() else None,
                )
            )
        try:
            saved = services.term_grades_set(
                actor=user, course=course, kind=kind, term=term, rows=rows, policy=data.policy
            )
        except services.ColumnInvalid as invalid:
            errors = invalid.errors
            messages.error(request, invalid.message)
        except services.GradeError as failure:
            messages.error(request, failure.message)
        else:
            messages.success(request, _("Saved %(count)d grades.") % {"count": len(saved)})
            return redirect("grades:sheet", course_id=course.pk, term_id=sheet_term.pk)
    lines = []
    for row in data.rows:
        if kind == Grade.Kind.PROPOSED_TERM:
            existing, shown = row.proposed, None
        elif kind == Grade.Kind.FINAL_TERM:
            existing, shown = row.final, row.proposed
        elif kind == Grade.Kind.PROPOSED_ANNUAL:
            existing, shown = row.proposed_annual, None
        else:
            existing, shown = row.final_annual, row.proposed_annual
        pk = row.student.pk
        posted = request.method == "POST"
        lines.append(
            {
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
        )
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


# --- Homeroom teacher and principal --------------------------------------------------------


def _period_term(school_class: SchoolClass, request: HttpRequest) -> tuple[Term | None, str]:
    period = request.GET.get("okres", "")
    if period == "rok":
        return None, "rok"
    terms = list(Term.objects.filter(year_id=school_class.year_id).order_by("number"))
    chosen = next((t for t in terms if str(t.number) == period), None)
    if chosen is None:
        chosen = selectors.current_term(school_class.year_id, timezone.localdate())
    return chosen, str(chosen.number) if chosen else "rok"


@login_required
def class_overview(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
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
def behaviour(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
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
                    value=int(raw) if raw.isdigit() else None,
                    version=int(version_text) if version_text.isdigit() else None,
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


# --- School administrator: the policy and categories ---------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    access.require(user, "grades.policy")
    assert user.school is not None
    row = GradingPolicy.objects.filter(school=user.school).first() or GradingPolicy(
        school=user.school, valueless_marks=["np", "bz", "+", "-"]
    )
    initial = {"valueless_text": ", ".join(row.valueless_marks or ["np", "bz", "+", "-"])}
    if request.method == "POST":
        form = PolicyForm(request.POST, instance=row, initial=initial)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in PolicyForm.Meta.fields}
            changes["valueless_marks"] = form.cleaned_data["valueless_text"]
            services.policy_update(actor=user, school=user.school, changes=changes)
            messages.success(request, _("The grading policy was saved."))
            return redirect("grades:policy")
    else:
        form = PolicyForm(instance=row, initial=initial)
    categories = services.categories_ensure_defaults(school=user.school)
    return render(
        request,
        "grades/policy.html",
        {"form": form, "categories": categories},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, category_id: int = 0) -> HttpResponse:
    user = request_user(request)
    access.require(user, "grades.policy")
    assert user.school is not None
    category = None
    if category_id:
        category = GradeCategory.objects.filter(pk=category_id).first()
        if category is None:
            raise Http404
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        services.category_save(
            actor=user,
            school=user.school,
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
