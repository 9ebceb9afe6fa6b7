from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kajet.accounts.http import request_user
from kajet.notifications.selectors import notifications_list_for_user
from kajet.notifications.services import notifications_mark_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = notifications_list_for_user(user_id=request_user(request).pk)
    return render(request, "notifications/list.html", {"items": items})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user_id=request_user(request).pk)
    return redirect("notifications:list")
