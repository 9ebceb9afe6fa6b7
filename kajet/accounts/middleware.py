"""Session rules for signed-in web users: idle timeout per role and school, absolute
lifetime, forced password change, and the school's two-factor requirement.

API requests signed in with a token never reach these rules as a user (the token is checked
by the API's own authentication, with its own idle and absolute limits); API requests made
with the browser session do, and get JSON answers instead of redirects.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kajet.accounts.models import User, UserSession
from kajet.accounts.services import idle_limit_seconds

__all__ = ["SessionGuardMiddleware", "idle_limit_seconds"]

#: How often (seconds) the last-activity time is written back: at most once a minute, so a
#: busy page does not turn every read into a write.
TOUCH_EVERY = 60

#: Paths a user who must change the password (or set up 2FA) can still open.
ALWAYS_ALLOWED_PREFIXES = ("/static/", "/favicon.ico", "/i18n/", "/healthz", "/konto/wyloguj")
API_PREFIX = "/api/"
#: Query parameter of the sign-in page that says the session expired.
EXPIRED_PARAM = "wygasla"


class SessionGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            return self.get_response(request)
        is_api = request.path.startswith(API_PREFIX)
        if self._session_expired(request, user):
            if is_api:
                return self.get_response(request)  # goes on as an anonymous request
            # The sign-in page says why (messages are not available this early in the stack).
            query = urlencode({"next": request.get_full_path(), EXPIRED_PARAM: "1"})
            return redirect(f"{reverse('accounts:login')}?{query}")
        if request.path.startswith(ALWAYS_ALLOWED_PREFIXES):
            return self.get_response(request)
        target = _step_required(user, request.session)
        if target is None:
            return self.get_response(request)
        if is_api:
            return JsonResponse(
                {"detail": _("Finish the step shown on the web page first.")}, status=403
            )
        if request.path != target:
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _session_expired(request: HttpRequest, user: User) -> bool:
        """Ends a session idle or old beyond its limits (signed out on the server, the device
        list updated) and says so; otherwise notes the activity at most once a minute."""
        session = request.session
        now = time.time()
        if "kajet_started" not in session:  # a session made by login() outside session_start
            session["kajet_started"] = session["kajet_seen"] = now
        started = float(session["kajet_started"])
        seen = float(session.get("kajet_seen", now))
        idle_limit = idle_limit_seconds(user)
        if session.get("kajet_public"):  # signed in on a public computer (Kajet account)
            idle_limit = min(idle_limit, int(settings.KAJET_PUBLIC_IDLE_MINUTES) * 60)
        if now - seen > idle_limit or now - started > settings.SESSION_COOKIE_AGE:
            key = session.session_key
            if key:
                UserSession.objects.filter(key=key).update(ended_at=timezone.now())
            logout(request)  # deletes the session on the server and forgets the user
            return True
        if now - seen > TOUCH_EVERY:
            session["kajet_seen"] = now
            if session.session_key:
                UserSession.objects.filter(key=session.session_key).update(
                    last_seen_at=timezone.now()
                )
        return False


def _step_required(user: User, session: SessionBase) -> str | None:
    """The page a user must finish before anything else: a new password, or (staff of a
    school that requires it) two-factor sign-in not yet confirmed in this session."""
    if user.must_change_password:
        return reverse("accounts:password_change")
    if (
        user.kind == User.Kind.STAFF
        and user.school is not None
        and user.school.require_staff_2fa
        and not session.get("kajet_2fa")
    ):
        return reverse("accounts:totp_setup")
    return None
