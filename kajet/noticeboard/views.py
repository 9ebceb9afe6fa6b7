"""Notice board pages: the board, one announcement (records the read; its author sees who
has read it), writing, editing and deleting announcements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import request_user
from kajet.accounts.models import User
from kajet.noticeboard import access, services
from kajet.noticeboard.forms import AnnouncementForm
from kajet.noticeboard.selectors import (
    announcement_reads,
    announcements_current_for,
    announcements_written_by,
)
from kajet.school.models import SchoolClass


def _class_choices(user: User) -> Any:
    if access.can(user, "announcement.any_audience"):
        return SchoolClass.objects.filter(year__is_current=True)
    return access.classes_taught_by(user)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    access.require(user, "announcement.view")
    today = timezone.localdate()
    context: dict[str, Any] = {
        "announcements": announcements_current_for(user=user, today=today),
        "can_write": access.can(user, "announcement.write"),
        "today": today,
    }
    if context["can_write"]:
        context["mine"] = announcements_written_by(user=user)
    return render(request, "noticeboard/board.html", context)


@login_required
def detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    user = request_user(request)
    announcement = access.access_announcement(user, announcement_id)
    if announcement.author_id != user.pk:  # the author's own opening is not a delivery
        services.announcement_mark_read(user=user, announcement=announcement)
    context: dict[str, Any] = {
        "announcement": announcement,
        "classes": list(announcement.classes.all()),
        "can_edit": announcement.author_id == user.pk and access.can(user, "announcement.write"),
        "can_delete": announcement.author_id == user.pk
        or access.can(user, "announcement.moderate"),
    }
    if access.may_see_reads(user, announcement):
        context.update(announcement_reads(announcement))
    return render(request, "noticeboard/detail.html", context)


def _apply_errors(form: AnnouncementForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _edit(request: HttpRequest, user: User, announcement: Any | None) -> HttpResponse:
    any_audience = access.can(user, "announcement.any_audience")
    classes = _class_choices(user)
    if request.method == "POST":
        form = AnnouncementForm(request.POST, classes=classes, any_audience=any_audience)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "title": data["title"],
                "body": data["body"],
                "audience": data["audience"],
                "classes": list(data["classes"]),
                "shown_from": data["shown_from"],
                "shown_until": data["shown_until"],
                "pinned": data["pinned"],
            }
            try:
                if announcement is None:
                    announcement = services.announcement_create(actor=user, **fields)
                    messages.success(request, _("The announcement is published."))
                else:
                    services.announcement_update(actor=user, announcement=announcement, **fields)
                    messages.success(request, _("The announcement is saved."))
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return redirect("noticeboard:detail", announcement.pk)
    elif announcement is not None:
        form = AnnouncementForm(
            initial={
                "title": announcement.title,
                "body": announcement.body,
                "audience": announcement.audience,
                "classes": list(announcement.classes.all()),
                "shown_from": announcement.shown_from,
                "shown_until": announcement.shown_until,
                "pinned": announcement.pinned,
            },
            classes=classes,
            any_audience=any_audience,
        )
    else:
        form = AnnouncementForm(
            initial={"shown_from": timezone.localdate()},
            classes=classes,
            any_audience=any_audience,
        )
    return render(request, "noticeboard/form.html", {"form": form, "announcement": announcement})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    access.require(user, "announcement.write")
    return _edit(request, user, None)


@login_required
def edit(request: HttpRequest, announcement_id: int) -> HttpResponse:
    user = request_user(request)
    announcement = access.access_announcement_for_edit(user, announcement_id)
    return _edit(request, user, announcement)


@login_required
@require_POST
def delete(request: HttpRequest, announcement_id: int) -> HttpResponse:
    user = request_user(request)
    announcement = access.access_announcement_for_delete(user, announcement_id)
    services.announcement_delete(actor=user, announcement=announcement)
    messages.success(request, _("The announcement is deleted."))
    return redirect("noticeboard:board")
