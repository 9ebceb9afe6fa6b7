"""Sign-in locks of the school's logins, with an unlock button (the school office)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kajet.accounts.http import request_user
from kajet.accounts.locks import signin_locks_for_school, signin_unlock
from kajet.accounts.services import lock_rule
from kajet.school.access import access_school_login, require


@login_required
@never_cache
def signin_locks(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "signin_lock.manage")
    locks = signin_locks_for_school(
        school_id=user.school_id or 0, rule=lock_rule(), now=timezone.now()
    )
    return render(request, "school/signin_locks.html", {"locks": locks})


@login_required
@require_POST
def signin_lock_release(request: HttpRequest, login_id: int) -> HttpResponse:
    user = request_user(request)
    target = access_school_login(user, login_id)
    signin_unlock(actor=user, user=target)
    messages.success(request, _("Sign-in for %(login)s is unlocked.") % {"login": target.login})
    return redirect("school:signin_locks")
