"""Session rules for signed-in web users: idle timeout per role and school, absolute
lifetime, forced password change, and the school's two-factor requirement."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User, UserSession

#: How often (seconds) the last-activity time is written back: at most once a minute, so a
#: busy page does not turn every read into a write.
TOUCH_EVERY = 60

#: Paths a user who must change the password (or set up 2FA) can still open.
ALWAYS_ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz", "/konto/wyloguj", "/api/")


def idle_limit_seconds(user: User) -> int:
    school = user.school
    if school is None:
        return 30 * 60
    minutes = (
        school.staff_idle_minutes if user.kind == User.Kind.STAFF else school.family_idle_minutes
    )
    return int(minutes) * 60


class SessionGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            return self.get_response(request)
        session = request.session
        now = time.time()
        if "kajet_started" not in session:  # a session made by login() outside session_start
            session["kajet_started"] = session["kajet_seen"] = now
        started = float(session["kajet_started"])
        seen = float(session.get("kajet_seen", now))
        if now - seen > idle_limit_seconds(user) or now - started > settings.SESSION_COOKIE_AGE:
            key = session.session_key
            if key:
                UserSession.objects.filter(key=key).update(ended_at=timezone.now())
            logout(request)
            messages.info(request, _("Your session has expired. Please sign in again."))
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if now - seen > TOUCH_EVERY:
            session["kajet_seen"] = now
            if session.session_key:
                UserSession.objects.filter(key=session.session_key).update(
                    last_seen_at=timezone.now()
                )
        allowed = request.path.startswith(ALWAYS_ALLOWED_PREFIXES)
        if user.must_change_password and not allowed:
            target = reverse("accounts:password_change")
            if request.path != target:
                return redirect(target)
        elif (
            user.kind == User.Kind.STAFF
            and user.school is not None
            and user.school.require_staff_2fa
            and not session.get("kajet_2fa")
            and not allowed
        ):
            target = reverse("accounts:totp_setup")
            if request.path != target:
                return redirect(target)
        return self.get_response(request)
