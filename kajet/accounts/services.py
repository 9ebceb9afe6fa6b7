"""Sign-in, sessions, API tokens, passwords and two-factor codes.

Throttling is decided from the SignInAttempt log *before* any password hash is computed, and
a locked login gets the same answer whether it exists or not (no account enumeration).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from kajet.accounts.models import SignInAttempt, TotpDevice, User, UserSession

FAILURES = (SignInAttempt.Result.BAD_CREDENTIALS, SignInAttempt.Result.BAD_OTP)
#: Characters of generated passwords: no 0/O, 1/l/I, so a printed slip reads unambiguously.
READABLE_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class SignInResult:
    result: str
    user: User | None = None

    @property
    def ok(self) -> bool:
        return self.result == SignInAttempt.Result.SUCCESS

    @property
    def needs_otp(self) -> bool:
        return self.result == SignInAttempt.Result.PASSWORD_OK


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy (KAJET_HTTPS) the proxy must overwrite X-Forwarded-For; we take the
    # address it appended last. Without a proxy only REMOTE_ADDR is trusted.
    if settings.KAJET_HTTPS:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def normalize_login(raw: str) -> str:
    return raw.strip().lower()


def signin_throttle_reason(*, login_name: str, ip: str | None, now: datetime) -> str | None:
    """Why an attempt must be refused without checking the password, or None."""
    window = now - timedelta(minutes=settings.KAJET_SIGNIN_WINDOW_MINUTES)
    lock_window = now - timedelta(minutes=settings.KAJET_SIGNIN_LOCK_MINUTES)
    recent = SignInAttempt.objects.filter(login=login_name, result__in=FAILURES)
    if (
        recent.filter(at__gte=min(window, lock_window)).count()
        >= settings.KAJET_SIGNIN_MAX_FAILURES
    ):
        # The lock lasts until the oldest counted failure leaves the window.
        return SignInAttempt.Result.LOCKED
    if ip and (
        SignInAttempt.objects.filter(ip=ip, result__in=FAILURES, at__gte=window).count()
        >= settings.KAJET_SIGNIN_MAX_FAILURES_PER_IP
    ):
        return SignInAttempt.Result.THROTTLED
    return None


def _record(
    request: HttpRequest, *, login_name: str, user: User | None, result: str, via: str
) -> None:
    SignInAttempt.objects.create(
        login=login_name,
        user=user,
        ip=client_ip(request),
        user_agent=_user_agent(request),
        result=result,
        via=via,
    )


def signin_check_password(
    *,
    request: HttpRequest,
    login_name: str,
    password: str,
    via: str = "web",
    staff: bool | None = None,
) -> SignInResult:
    """First step of a sign-in: throttling, then the password. Records the attempt.

    ``staff`` is the kind of account chosen on the sign-in page (True: school staff, False:
    parent or student); a right password for the other kind fails like a wrong one.
    """
    login_name = normalize_login(login_name)
    reason = signin_throttle_reason(
        login_name=login_name, ip=client_ip(request), now=timezone.now()
    )
    if reason:
        _record(request, login_name=login_name, user=None, result=reason, via=via)
        return SignInResult(reason)
    user = authenticate(request, login=login_name, password=password)
    if (
        isinstance(user, User)
        and staff is not None
        and staff != (user.kind in (User.Kind.STAFF, User.Kind.OPERATOR))
    ):
        user = None
    if not isinstance(user, User):
        _record(
            request,
            login_name=login_name,
            user=User.objects.filter(login=login_name).first(),
            result=SignInAttempt.Result.BAD_CREDENTIALS,
            via=via,
        )
        return SignInResult(SignInAttempt.Result.BAD_CREDENTIALS)
    if totp_device_confirmed(user):
        _record(
            request,
            login_name=login_name,
            user=user,
            result=SignInAttempt.Result.PASSWORD_OK,
            via=via,
        )
        return SignInResult(SignInAttempt.Result.PASSWORD_OK, user)
    return SignInResult(SignInAttempt.Result.SUCCESS, user)


def signin_check_otp(
    *, request: HttpRequest, user: User, code: str, via: str = "web"
) -> SignInResult:
    """Second step for users with two-factor sign-in. Counts toward the same throttle."""
    reason = signin_throttle_reason(
        login_name=user.login, ip=client_ip(request), now=timezone.now()
    )
    if reason:
        _record(request, login_name=user.login, user=user, result=reason, via=via)
        return SignInResult(reason)
    if totp_verify(user=user, code=code):
        return SignInResult(SignInAttempt.Result.SUCCESS, user)
    _record(request, login_name=user.login, user=user, result=SignInAttempt.Result.BAD_OTP, via=via)
    return SignInResult(SignInAttempt.Result.BAD_OTP)


def session_start(*, request: HttpRequest, user: User) -> UserSession:
    """Sign the user in on the web: a new session id, a device record, a success record."""
    login(request, user, backend="kajet.accounts.backends.LoginBackend")
    now = timezone.now()
    request.session["kajet_started"] = now.timestamp()
    request.session["kajet_seen"] = now.timestamp()
    request.session.save()
    _record(
        request, login_name=user.login, user=user, result=SignInAttempt.Result.SUCCESS, via="web"
    )
    return UserSession.objects.create(
        user=user,
        kind=UserSession.Kind.WEB,
        key=request.session.session_key or "",
        expires_at=now + timedelta(seconds=settings.SESSION_COOKIE_AGE),
        ip=client_ip(request),
        user_agent=_user_agent(request),
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


def device_sessions_end_others(*, user: User, keep_key: str | None) -> int:
    """End every other session and token of the user (offered after a password change)."""
    others = list(
        UserSession.objects.filter(user=user, ended_at__isnull=True).exclude(key=keep_key or "")
    )
    store = _session_store()
    for device in others:
        if device.kind == UserSession.Kind.WEB:
            store(session_key=device.key).delete()
    UserSession.objects.filter(pk__in=[d.pk for d in others]).update(ended_at=timezone.now())
    return len(others)


def device_sessions_for(user: User) -> list[UserSession]:
    """The user's active sessions and tokens, newest activity first (one query)."""
    return list(
        UserSession.objects.filter(
            user=user, ended_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("-last_seen_at")
    )


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, request: HttpRequest, user: User) -> str:
    """Issue an API token (returned once; only its hash is stored) and record the sign-in."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    UserSession.objects.create(
        user=user,
        kind=UserSession.Kind.API,
        key=token_hash(raw),
        expires_at=now + timedelta(days=int(getattr(settings, "KAJET_TOKEN_DAYS", 90))),
        ip=client_ip(request),
        user_agent=_user_agent(request),
    )
    _record(
        request, login_name=user.login, user=user, result=SignInAttempt.Result.SUCCESS, via="api"
    )
    return raw


def api_token_user(raw: str) -> tuple[User, UserSession] | None:
    """The active user and device behind a token, or None (one query)."""
    device = (
        UserSession.objects.select_related("user", "user__school")
        .filter(key=token_hash(raw), kind=UserSession.Kind.API, ended_at__isnull=True)
        .first()
    )
    if device is None or not device.is_active or not device.user.is_active:
        return None
    return device.user, device


def last_successful_sign_in(user: User) -> SignInAttempt | None:
    """The sign-in before the current one (what the user sees on the home page)."""
    rows = list(
        SignInAttempt.objects.filter(user=user, result=SignInAttempt.Result.SUCCESS).order_by(
            "-at"
        )[:2]
    )
    return rows[1] if len(rows) == 2 else None


def generate_password(length: int = 10) -> str:
    """A random, readable initial password for a printed login slip."""
    while True:
        candidate = "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


def issued_password_hash(raw: str) -> str:
    """Hash an issued (slip) password with the fast hasher meant only for random secrets."""
    return make_password(raw, hasher="kajet_issued_sha256")


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    """The user's own new password (validated against current guidance)."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])


@transaction.atomic
def password_reset_issue(*, actor: Any, user: User) -> str:
    """A new initial password issued by the school office or a guardian: the user must change
    it at next sign-in, and all their sessions and tokens end."""
    raw = generate_password()
    user.password = issued_password_hash(raw)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    device_sessions_end_others(user=user, keep_key=None)
    return raw


# --- two-factor (TOTP) ---------------------------------------------------------------------------


def totp_device_confirmed(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def totp_setup_start(*, user: User) -> TotpDevice:
    """Create (or replace an unconfirmed) secret for the user to scan."""
    device, _ = TotpDevice.objects.update_or_create(
        user=user,
        confirmed_at__isnull=True,
        defaults={"secret": pyotp.random_base32(), "confirmed_at": None},
    )
    return device


def totp_uri(device: TotpDevice, *, issuer: str = "Kajet") -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.login, issuer_name=issuer)


def totp_verify(*, user: User, code: str, device: TotpDevice | None = None) -> bool:
    """Check a 6-digit code (±1 step of clock drift); a code is never accepted twice."""
    device = device or TotpDevice.objects.filter(user=user).first()
    if device is None:
        return False
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    for offset in (-1, 0, 1):
        at = now + timedelta(seconds=30 * offset)
        step = totp.timecode(at)
        if step > device.last_used_step and secrets.compare_digest(totp.at(at), code):
            TotpDevice.objects.filter(pk=device.pk).update(last_used_step=step)
            return True
    return False


def totp_confirm(*, user: User, code: str) -> bool:
    device = TotpDevice.objects.filter(user=user).first()
    if device is None or not totp_verify(user=user, code=code, device=device):
        return False
    TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    return True


def totp_disable(*, user: User) -> None:
    TotpDevice.objects.filter(user=user).delete()


def request_meta(request: HttpRequest) -> dict[str, Any]:
    return {"ip": client_ip(request), "user_agent": _user_agent(request)}
