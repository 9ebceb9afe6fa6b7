"""Sessions and devices: starting and ending them, the idle limit, the list a user sees."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from kajet.accounts.models import SignInAttempt, User, UserSession
from kajet.accounts.services.client import client_ip, user_agent
from kajet.accounts.services.signin import record_attempt


def idle_limit_seconds(user: User) -> int:
    """How long a web session may stay unused: the school's setting for the user's kind
    (staff 30 minutes, guardians and students 60 by default); 30 minutes without a school."""
    school = user.school
    if school is None:
        return 30 * 60
    minutes = (
        school.staff_idle_minutes if user.kind == User.Kind.STAFF else school.family_idle_minutes
    )
    return int(minutes) * 60


#: Session keys of a sign-in that waits for its two-factor code.
PENDING_KEYS = ("kajet_pending_user", "kajet_pending_next", "kajet_pending_at")


def session_start(*, request: HttpRequest, user: User, two_factor: bool = False) -> UserSession:
    """Sign the user in on the web: a new session id (``login`` cycles the key, so a session
    id planted before sign-in is worthless), a device record and a success record."""
    login(request, user, backend="kajet.accounts.backends.LoginBackend")
    now = timezone.now()
    for key in PENDING_KEYS:
        request.session.pop(key, None)
    request.session["kajet_started"] = now.timestamp()
    request.session["kajet_seen"] = now.timestamp()
    if two_factor:
        request.session["kajet_2fa"] = True
    request.session.save()
    record_attempt(
        request, login_name=user.login, user=user, result=SignInAttempt.Result.SUCCESS, via="web"
    )
    return UserSession.objects.create(
        user=user,
        kind=UserSession.Kind.WEB,
        key=request.session.session_key or "",
        expires_at=now + timedelta(seconds=settings.SESSION_COOKIE_AGE),
        ip=client_ip(request),
        user_agent=user_agent(request),
    )


def session_end(*, request: HttpRequest) -> None:
    """Sign out: the session is deleted on the server, not only forgotten by the browser."""
    key = request.session.session_key
    if key:
        UserSession.objects.filter(key=key, ended_at__isnull=True).update(ended_at=timezone.now())
    logout(request)


def _session_store() -> type[SessionBase]:
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return engine


def device_session_end(*, user: User, device: UserSession) -> None:
    """End one of the user's sessions or tokens on the server."""
    if device.user_id != user.pk:
        raise PermissionError("not the owner")
    if device.kind == UserSession.Kind.WEB:
        _session_store()(session_key=device.key).delete()
    UserSession.objects.filter(pk=device.pk, ended_at__isnull=True).update(ended_at=timezone.now())


def device_sessions_end_others(*, user: User, keep_key: str | None, kind: str | None = None) -> int:
    """End every other session and token of the user (or only those of ``kind``).

    Every path that ends a user's access calls this (or ``sessions_end_all``): a password
    change (all but the session that made it), a reset by the office or a guardian, a login
    turned off, an enrolment ended, "end all other sessions" on the sessions page."""
    qs = UserSession.objects.filter(user=user, ended_at__isnull=True).exclude(key=keep_key or "")
    if kind is not None:
        qs = qs.filter(kind=kind)
    others = list(qs)
    store = _session_store()
    for device in others:
        if device.kind == UserSession.Kind.WEB:
            store(session_key=device.key).delete()
    UserSession.objects.filter(pk__in=[d.pk for d in others]).update(ended_at=timezone.now())
    return len(others)


def token_idle_limit() -> timedelta:
    return timedelta(days=int(settings.KAJET_TOKEN_IDLE_DAYS))


def device_sessions_for(user: User) -> list[UserSession]:
    """The user's live sessions and tokens, newest activity first (one query).

    A web session unused for longer than the user's idle limit, or a token unused for
    ``KAJET_TOKEN_IDLE_DAYS``, is dead even before anyone touches it, so it is not listed.
    """
    now = timezone.now()
    web_idle = timedelta(seconds=idle_limit_seconds(user))
    return [
        device
        for device in UserSession.objects.filter(
            user=user, ended_at__isnull=True, expires_at__gt=now
        ).order_by("-last_seen_at")
        if now - device.last_seen_at
        <= (web_idle if device.kind == UserSession.Kind.WEB else token_idle_limit())
    ]


def session_after_password_change(*, request: HttpRequest, user: User) -> int:
    """After the user changed their own password on the web: keep this session (new id) and
    end every other browser session and every app token (a stolen password or token stops
    working at once). Returns how many were ended."""
    old_key = request.session.session_key
    update_session_auth_hash(request, user)
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(key=old_key, user=user).update(key=new_key)
    return device_sessions_end_others(user=user, keep_key=new_key)


def sessions_end_all(*, user_ids: Iterable[int]) -> int:
    """End every session and token of these users (a login turned off, a password reset by
    someone else). Returns how many were ended."""
    ended = 0
    for user in User.objects.filter(pk__in=list(user_ids)):
        ended += device_sessions_end_others(user=user, keep_key=None)
    return ended
