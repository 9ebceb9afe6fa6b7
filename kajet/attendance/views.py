"""Attendance pages: the teacher's day and taking a lesson; the family's attendance (week grid,
subjects, statistics) and excuses; the homeroom teacher's class and excuse queue; a teacher's
course; the principal's school overview."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import User
from kajet.attendance import access, page_cache, selectors, services
from kajet.attendance import excuses as rules
from kajet.attendance.models import Lesson
from kajet.audit.services import access_log_view
from kajet.core.numbers import parse_id
from kajet.school.access import roles_of
from kajet.school.family import family_students
from kajet.school.models import LessonPeriod


def _date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if access.can(user, "attendance.take"):
        return redirect("attendance:today")
    if access.can(user, "attendance.view_family"):
        return redirect("attendance:family")
    if access.can(user, "attendance.school_view"):
        return redirect("attendance:school")
    if access.can(user, "attendance.settings"):
        return redirect("attendance:policy")
    raise Http404


# --- Teacher ----------------------------------------------------------------------------------


@login_required
def today(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "attendance.take")
    day = _date(request.GET.get("data"), timezone.localdate())
    context = {
        "day": day,
        "rows": selectors.teacher_day(user, day),
        "courses": list(access.courses_for_taking(user)),
        "periods": list(LessonPeriod.objects.all()),
        "homeroom_classes": selectors.homeroom_classes(user),
        "taught": selectors.courses_taught(user),
        "queue_size": len(selectors.excuse_queue(user)) if access.can(user, "excuse.decide") else 0,
        "is_today": day == timezone.localdate(),
    }
    return render(request, "attendance/today.html", context)


@login_required
def extra(request: AuthedRequest) -> HttpResponse:
    """An extra lesson (not in the timetable): pick course, date and period."""
    user = request.user
    access.require(user, "attendance.take")
    course_id = parse_id(request.GET.get("course", ""))
    period_id = parse_id(request.GET.get("period", ""))
    if course_id is None or period_id is None:
        messages.error(request, _("Choose a course and a lesson period."))
        return redirect("attendance:today")
    day = _date(request.GET.get("data"), timezone.localdate())
    access.access_lesson_slot(user, course_id, day, period_id)
    return redirect(
        "attendance:lesson", course_id=course_id, day=day.isoformat(), period_id=period_id
    )


def _posted_ids(request: AuthedRequest, prefix: str, roster: list[Any]) -> dict[int, int]:
    """``<prefix><student id>`` fields of the POST as student id → integer (-1: not a number;
    empty or missing: left out)."""
    found: dict[int, int] = {}
    for student in roster:
        raw = request.POST.get(f"{prefix}{student.pk}")
        if raw:
            parsed = parse_id(raw)
            found[student.pk] = -1 if parsed is None else parsed
    return found


@login_required
def lesson(request: AuthedRequest, course_id: int, day: str, period_id: int) -> HttpResponse:
    """Take (or correct) attendance of one lesson: topic and every student, one save.

    The form carries each mark's version as loaded (``v<student id>``); when another teacher
    or an excuse approval changed any mark since, nothing is saved and the page shows the
    current marks, the changed students highlighted with what this teacher had chosen."""
    user = request.user
    date = _date(day, datetime.date.min)
    if date == datetime.date.min:
        raise Http404
    held = Lesson.objects.filter(course_id=course_id, date=date, period_id=period_id).first()
    if held is not None:
        held = access.access_lesson(user, held.pk)
        course, period = held.course, held.period
    else:
        course, period = access.access_lesson_slot(user, course_id, date, period_id)
    types = services.attendance_types_for(course.school_id)
    roster = selectors.roster_for(course, date)
    errors: list[str] = []
    changed: set[int] = set()
    chosen: dict[int, int] = {}
    if request.method == "POST":
        chosen = _posted_ids(request, "s", roster)
        versions = {k: v for k, v in _posted_ids(request, "v", roster).items() if v >= 0}
        try:
            services.lesson_save(
                actor=user,
                course=course,
                day=date,
                period=period,
                topic=request.POST.get("topic", ""),
                marks=chosen,
                roster=roster,
                types=types,
                lesson=held,
                versions=versions,
            )
        except services.LessonConflict as conflict:
            errors = list(conflict.messages)
            changed = {s.pk for s in conflict.students}
            held = selectors.lesson_at(course, date, period)
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect(request.path)
    marks = selectors.marks_of(held)
    present = services.standard_type(types, "present")
    type_by_id = {t.pk: t for t in types}
    rows = []
    for s in roster:
        mark = marks.get(s.pk)
        current = mark.type_id if mark else present.pk
        yours = type_by_id.get(chosen.get(s.pk, present.pk)) if s.pk in changed else None
        rows.append(
            {
                "student": s,
                "type_id": current,
                "version": mark.version if mark else "",
                "changed": s.pk in changed,
                "yours": yours if yours is not None and yours.pk != current else None,
            }
        )
    context: dict[str, Any] = {
        "course": course,
        "period": period,
        "date": date,
        "lesson": held,
        "types": services.types_for_marking(types, {m.type_id for m in marks.values()}),
        "rows": rows,
        "errors": errors,
        "topic": request.POST.get("topic", held.topic if held else ""),
        "future": date > timezone.localdate(),
    }
    return render(request, "attendance/lesson.html", context, status=409 if changed else 200)


@login_required
def course(request: AuthedRequest, course_id: int) -> HttpResponse:
    user = request.user
    found = access.access_course_attendance(user, course_id)
    rows, lessons = selectors.course_overview(found)
    return render(
        request,
        "attendance/course.html",
        {"course": found, "rows": rows, "lessons": lessons},
    )


# --- Family -----------------------------------------------------------------------------------


def _monday(day: datetime.date) -> datetime.date:
    # On a weekend this is the week just ended: attendance looks back, not ahead.
    return day - datetime.timedelta(days=day.weekday())


@login_required
def family(request: AuthedRequest) -> HttpResponse:
    """A guardian's child's (or the student's own) attendance: a week, subjects, statistics.
    The overview below the heading is served from the cache while the marks and everything
    else it shows are what it was rendered from (``page_cache``)."""
    user = request.user
    access.require(user, "attendance.view_family")
    children, student = family_students(request)
    if student is None:
        raise Http404
    today_ = timezone.localdate()
    monday = _monday(_date(request.GET.get("tydzien"), today_))
    year = selectors.current_year(student.school_id)
    terms = selectors.terms_of(year)
    start = year.starts_on if year else monday
    end = year.ends_on if year else monday + datetime.timedelta(days=6)
    policy = services.policy_for(student.school_id)
    rows = selectors.marks_for_student(student, min(start, monday), max(end, monday))
    # Rendered once per change of what it shows, then served from the cache (page_cache).
    overview = page_cache.family_overview(
        student=student,
        rows=rows,
        terms=terms,
        policy=policy,
        monday=monday,
        can_excuse=_may_excuse(user, student, policy, today_),
    )
    context = {"children": children, "selected": student, "student": student, "overview": overview}
    return render(request, "attendance/family.html", context)


def _may_excuse(user: User, student: Any, policy: Any, today: datetime.date) -> bool:
    return rules.may_submit(
        is_guardian="guardian" in roles_of(user),
        is_the_student=student.user_id == user.pk,
        student_is_adult=rules.is_adult(student.birth_date, today),
        adult_self_excuse=policy.adult_self_excuse,
    )


@login_required
def excuse_new(request: AuthedRequest) -> HttpResponse:
    """The guardian picks unexcused absences (single lessons, whole days, or a date range),
    writes a reason, optionally attaches a document, and sends it to the homeroom teacher."""
    user = request.user
    access.require(user, "excuse.submit")
    children, student = family_students(request)
    if student is None:
        raise Http404
    today_ = timezone.localdate()
    policy = services.policy_for(student.school_id)
    if not _may_excuse(user, student, policy, today_):
        raise Http404
    since = today_ - datetime.timedelta(days=policy.excuse_deadline_days)
    # Show older absences too (marked as past the deadline) so the refusal is explained.
    candidates = selectors.excusable_marks(student, today_ - datetime.timedelta(days=60))
    errors: list[str] = []
    if request.method == "POST":
        ids: set[int] = set()
        for raw in request.POST.getlist("mark"):
            mark_id = parse_id(raw)
            if mark_id is not None:
                ids.add(mark_id)
        days = set(request.POST.getlist("day"))
        date_from = _date(request.POST.get("od"), datetime.date.max)
        date_to = _date(request.POST.get("do"), datetime.date.min)
        for mark in candidates:
            if mark.lesson.date.isoformat() in days or date_from <= mark.lesson.date <= date_to:
                ids.add(mark.pk)
        try:
            excuse = services.excuse_submit(
                actor=user,
                student=student,
                mark_ids=sorted(ids),
                reason=request.POST.get("reason", ""),
                attachment=request.FILES.get("attachment"),
                today=today_,
            )
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(request, _("The excuse has been sent to the homeroom teacher."))
            return redirect("attendance:excuse", excuse_id=excuse.pk)
    by_day: dict[datetime.date, list[Any]] = {}
    for mark in candidates:
        by_day.setdefault(mark.lesson.date, []).append(mark)
    context = {
        "children": children,
        "selected": student,
        "student": student,
        "by_day": sorted(by_day.items()),
        "since": since,
        "policy": policy,
        "errors": errors,
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "attendance/excuse_new.html", context)


@login_required
def excuses(request: AuthedRequest) -> HttpResponse:
    """The family's excuses (guardian: the selected child) with their status."""
    user = request.user
    access.require(user, "attendance.view_family")
    children, student = family_students(request)
    if student is None:
        raise Http404
    return render(
        request,
        "attendance/excuses.html",
        {
            "children": children,
            "selected": student,
            "student": student,
            "excuses": selectors.excuses_for_student(student),
        },
    )


@login_required
def excuse(request: AuthedRequest, excuse_id: int) -> HttpResponse:
    user = request.user
    found = access.access_excuse(user, excuse_id)
    access_log_view(request, found.student)
    return render(
        request,
        "attendance/excuse.html",
        {
            "excuse": found,
            "items": selectors.excuse_items(found),
            "may_decide": access.may_decide(user, found) and found.status == rules.PENDING,
            "may_withdraw": access.may_withdraw(user, found),
            "may_see_attachment": bool(found.attachment) and access.may_see_attachment(user, found),
        },
    )


@login_required
@require_POST
def excuse_decide(request: AuthedRequest, excuse_id: int) -> HttpResponse:
    user = request.user
    found = access.access_excuse_for_decision(user, excuse_id)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            skipped = services.excuse_approve(actor=user, excuse=found, note=note)
            messages.success(request, _("The excuse has been approved."))
            if skipped:
                messages.warning(
                    request,
                    _("%(n)d lesson(s) changed meanwhile and were left alone.")
                    % {"n": len(skipped)},
                )
        elif request.POST.get("decision") == "reject":
            services.excuse_reject(actor=user, excuse=found, note=note)
            messages.success(request, _("The excuse has been rejected."))
        else:
            raise ValidationError(_("Choose approve or reject."))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("attendance:excuse", excuse_id=found.pk)


@login_required
@require_POST
def excuse_withdraw(request: AuthedRequest, excuse_id: int) -> HttpResponse:
    """The sender withdraws a waiting excuse (confirmed on the excuse's page)."""
    user = request.user
    found = access.access_excuse_for_withdrawal(user, excuse_id)
    try:
        services.excuse_withdraw(actor=user, excuse=found)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("The excuse has been withdrawn; the homeroom teacher has been told.")
        )
    return redirect("attendance:excuse", excuse_id=found.pk)


@login_required
def excuse_attachment(request: AuthedRequest, excuse_id: int) -> FileResponse:
    user = request.user
    found = access.access_excuse(user, excuse_id)
    if not found.attachment or not access.may_see_attachment(user, found):
        raise Http404
    try:
        handle = found.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    access_log_view(request, found.student)
    response = FileResponse(handle, as_attachment=True, filename=found.attachment_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Homeroom and principal -------------------------------------------------------------------


@login_required
def school_class(request: AuthedRequest, class_id: int) -> HttpResponse:
    user = request.user
    found = access.access_class_overview(user, class_id)
    queue = [e for e in selectors.excuse_queue(user) if e.student.school_class_id == found.pk]
    return render(
        request,
        "attendance/class.html",
        {"school_class": found, "rows": selectors.class_overview(found), "queue": queue},
    )


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "excuse.decide")
    return render(request, "attendance/queue.html", {"queue": selectors.excuse_queue(user)})


@login_required
def school(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "attendance.school_view")
    return render(
        request, "attendance/school.html", {"rows": selectors.school_overview(request.school.pk)}
    )


def lesson_url(course_id: int, day: datetime.date, period_id: int) -> str:
    return reverse("attendance:lesson", args=[course_id, day.isoformat(), period_id])


@login_required
def lessons(request: AuthedRequest) -> HttpResponse:
    """The lessons held in a guardian's child's (or the student's own) courses: date, period,
    topic, teacher and the student's attendance at each (Librus's "Realizacja")."""
    user = request.user
    access.require(user, "attendance.view_family")
    children, student = family_students(request)
    if student is None:
        raise Http404
    subject_id = parse_id(request.GET.get("przedmiot", ""))
    data = selectors.lessons_for_student(student, subject_id=subject_id)
    return render(
        request,
        "attendance/lessons.html",
        {
            "children": children,
            "selected": student,
            "student": student,
            "data": data,
            "subject_id": subject_id,
        },
    )
