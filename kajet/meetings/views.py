"""Meetings pages (/zebrania/): the class meetings (list, scheduling by the homeroom teacher,
one meeting with its attendance register) and consultations (/zebrania/konsultacje/: the
guardian books and cancels slots; staff publish hours and see the day's list)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import User
from kajet.core.datefmt import short_date
from kajet.meetings import access, rules, selectors, services
from kajet.meetings.forms import MeetingForm, SlotsForm


def _errors_to_form(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def meeting_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "meeting.view")
    context = {
        "meetings": selectors.meeting_list_for(user),
        "can_schedule": access.classes_for_meetings(user).exists(),
        "today": timezone.localdate(),
    }
    return render(request, "meetings/list.html", context)


@login_required
def meeting_add(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "meeting.schedule")
    classes = access.classes_for_meetings(user)
    if request.method == "POST":
        form = MeetingForm(request.POST, classes=classes)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_schedule(
                    actor=user,
                    school_class=data["school_class"],
                    date=data["date"],
                    starts_at=data["starts_at"],
                    room=data["room"],
                    agenda=data["agenda"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Meeting scheduled; the guardians have been notified."))
                return redirect("meetings:detail", meeting.pk)
    else:
        form = MeetingForm(classes=classes, initial={"school_class": classes.first()})
    return render(request, "meetings/add.html", {"form": form})


@login_required
def meeting_detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = access.access_meeting(user, meeting_id)
    manages = access.classes_for_meetings(user).filter(pk=meeting.school_class_id).exists()
    starts = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.starts_at))
    context: dict[str, Any] = {
        "meeting": meeting,
        "manages": manages,
        "started": timezone.now() >= starts,
        "register": selectors.meeting_register(meeting) if manages else [],
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def meeting_attendance(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = access.access_meeting_to_manage(user, meeting_id)
    ids = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
    try:
        present = services.meeting_attendance_record(actor=user, meeting=meeting, guardian_ids=ids)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        n = len(present)
        messages.success(
            request,
            ngettext(
                "Attendance saved: %(n)d guardian present.",
                "Attendance saved: %(n)d guardians present.",
                n,
            )
            % {"n": n},
        )
    return redirect("meetings:detail", meeting.pk)


def _day_param(request: AuthedRequest) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("dzien", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def consultations(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not access.uses_consultations(user):
        raise Http404
    context: dict[str, Any] = {
        "cancel_hours": int(rules.CANCEL_BEFORE.total_seconds() // 3600),
        "show_meetings": access.can(user, "meeting.view"),
    }
    if access.can(user, "consultation.book"):
        teachers = selectors.teachers_with_free_slots()
        teacher_id = request.GET.get("nauczyciel", "")
        chosen: User | None = next((t for t in teachers if str(t.pk) == teacher_id), None)
        now = timezone.now()
        bookings = selectors.bookings_of(user)
        context.update(
            bookings=[
                (b, rules.can_cancel(starts=services.slot_start(b.slot), now=now)) for b in bookings
            ],
            teachers=teachers,
            chosen=chosen,
            free_slots=selectors.free_slots_of(chosen) if chosen else [],
        )
        return render(request, "meetings/consultations_guardian.html", context)
    day = _day_param(request)
    context.update(
        day=day,
        slots=selectors.slots_of_teacher_day(user, day),
        days=selectors.teacher_days(user),
    )
    return render(request, "meetings/consultations_staff.html", context)


@login_required
def slots_add(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "consultation.publish")
    if request.method == "POST":
        form = SlotsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                slots = services.consultation_slots_publish(
                    actor=user,
                    school=request.school,
                    date=data["date"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    minutes=data["minutes"],
                    room=data["room"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d consultation slot published.",
                        "%(n)d consultation slots published.",
                        len(slots),
                    )
                    % {"n": len(slots)},
                )
                return redirect(
                    f"{reverse('meetings:consultations')}?dzien={data['date'].isoformat()}"
                )
    else:
        form = SlotsForm(initial={"date": timezone.localdate(), "minutes": 10})
    return render(request, "meetings/slots_add.html", {"form": form})


@login_required
@require_POST
def slot_remove(request: AuthedRequest, slot_id: int) -> HttpResponse:
    user = request.user
    slot = access.access_own_slot(user, slot_id)
    try:
        services.consultation_slot_remove(actor=user, slot=slot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The slot has been removed."))
    return redirect(f"{reverse('meetings:consultations')}?dzien={slot.date.isoformat()}")


@login_required
@require_POST
def slot_book(request: AuthedRequest, slot_id: int) -> HttpResponse:
    user = request.user
    slot = access.access_slot_to_book(user, slot_id)
    try:
        services.consultation_book(actor=user, slot=slot)
    except services.SlotTaken as taken:
        messages.error(request, taken.message)
        return redirect(f"{reverse('meetings:consultations')}?nauczyciel={slot.teacher_id}")
    messages.success(
        request,
        _("Booked: %(teacher)s, %(date)s at %(time)s.")
        % {
            "teacher": slot.teacher.full_name,
            "date": short_date(slot.date),
            "time": slot.starts_at.strftime("%H:%M"),
        },
    )
    return redirect("meetings:consultations")


@login_required
@require_POST
def slot_cancel(request: AuthedRequest, slot_id: int) -> HttpResponse:
    user = request.user
    slot = access.access_booked_slot(user, slot_id)
    try:
        services.consultation_cancel(actor=user, slot=slot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The booking has been cancelled."))
    return redirect("meetings:consultations")
