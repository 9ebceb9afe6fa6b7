"""Notice board pages: the board, one announcement (records the read; its author sees who
has read it), writing, editing and deleting announcements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
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
def board(request: AuthedRequest) -> HttpResponse:
    user = request.user
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
def detail(request: AuthedRequest, announcement_id: int) -> HttpResponse:
    user = request.user
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


def _edit(request: AuthedRequest, user: User, announcement: Any | None) -> HttpResponse:
    options = {
        "classes": _class_choices(user),
        "any_audience": access.can(user, "announcement.any_audience"),
        # Urgency matters when the notifications go out, that is when it is published.
        "may_flag_urgent": announcement is None and access.can(user, "announcement.urgent"),
    }
    if request.method == "POST":
        form = AnnouncementForm(request.POST, **options)
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
                    announcement = services.announcement_create(
                        actor=user, urgent=data.get("urgent", False), **fields
                    )
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
            **options,
        )
    else:
        form = AnnouncementForm(initial={"shown_from": timezone.localdate()}, **options)
    return render(request, "noticeboard/form.html", {"form": form, "announcement": announcement})


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "announcement.write")
    return _edit(request, user, None)


@login_required
def edit(request: AuthedRequest, announcement_id: int) -> HttpResponse:
    user = request.user
    announcement = access.access_announcement_for_edit(user, announcement_id)
    return _edit(request, user, announcement)


@login_required
@require_POST
def delete(request: AuthedRequest, announcement_id: int) -> HttpResponse:
    user = request.user
    announcement = access.access_announcement_for_delete(user, announcement_id)
    services.announcement_delete(actor=user, announcement=announcement)
    messages.success(request, _("The announcement is deleted."))
    return redirect("noticeboard:board")
