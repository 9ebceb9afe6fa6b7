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
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

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


def signin_throttle_reason(*, login_name: str, ip: str | None, now: datetime) -> str | None:
    """Why an attempt must be refused without checking the password, or None.

    A login is locked when its last ``KAJET_SIGNIN_MAX_FAILURES`` failures (wrong password or
    wrong two-factor code, none followed by a success) fall within
    ``KAJET_SIGNIN_WINDOW_MINUTES``; the lock lasts ``KAJET_SIGNIN_LOCK_MINUTES`` from the
    last of them. Unknown logins are locked the same way, so a lock tells nothing about
    whether a login exists. An address is throttled after ``KAJET_SIGNIN_MAX_FAILURES_PER_IP``
    failures (any login) within the window. Two queries at most; no password hash.
    """
    limit = settings.KAJET_SIGNIN_MAX_FAILURES
    window = timedelta(minutes=settings.KAJET_SIGNIN_WINDOW_MINUTES)
    lock = timedelta(minutes=settings.KAJET_SIGNIN_LOCK_MINUTES)
    rows = list(
        SignInAttempt.objects.filter(
            login=login_name,
            at__gte=now - window - lock,
            result__in=(*FAILURES, SignInAttempt.Result.SUCCESS),
        )
        .order_by("-at")
        .values_list("at", "result")[:limit]
    )
    failures: list[datetime] = []
    for at, result in rows:
        if result == SignInAttempt.Result.SUCCESS:
            break
        failures.append(at)
    if len(failures) >= limit and failures[0] - failures[-1] <= window and now < failures[0] + lock:
        return SignInAttempt.Result.LOCKED
    if ip and (
        SignInAttempt.objects.filter(ip=ip, result__in=FAILURES, at__gte=now - window).count()
        >= settings.KAJET_SIGNIN_MAX_FAILURES_PER_IP
    ):
        return SignInAttempt.Result.THROTTLED
    return None


def refusal_message(result: str) -> str:
    """The one message a refused sign-in shows (web and API alike). Wrong login, wrong
    password, wrong kind of account and inactive login all read the same."""
    minutes = settings.KAJET_SIGNIN_LOCK_MINUTES
    if result == SignInAttempt.Result.LOCKED:
        return gettext(
            "Too many failed sign-in attempts. This account is locked for %(minutes)d minutes. "
            "If you have forgotten your password, ask the school office for a new one."
        ) % {"minutes": minutes}
    if result == SignInAttempt.Result.THROTTLED:
        return gettext(
            "Too many failed sign-in attempts from this network. Try again in %(minutes)d minutes."
        ) % {"minutes": settings.KAJET_SIGNIN_WINDOW_MINUTES}
    if result == SignInAttempt.Result.BAD_OTP:
        return gettext("The code is not correct. Enter the current code from your app.")
    return gettext("Wrong login or password. Also check that you chose the right kind of account.")


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
        # Looking the login up costs no hash; the record lets the owner see the refusals.
        owner = User.objects.filter(login=login_name).first()
        _record(request, login_name=login_name, user=owner, result=reason, via=via)
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
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is not None and totp_verify(user=user, code=code, device=device):
        return SignInResult(SignInAttempt.Result.SUCCESS, user)
    _record(request, login_name=user.login, user=user, result=SignInAttempt.Result.BAD_OTP, via=via)
    return SignInResult(SignInAttempt.Result.BAD_OTP)


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


def device_sessions_end_others(*, user: User, keep_key: str | None, kind: str | None = None) -> int:
    """End every other session and token of the user (or only those of ``kind``)."""
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
    """After the user changed their own password on the web: keep this session (new id),
    end their other browser sessions (Django refuses them anyway once the password hash
    changed; ending them keeps the sessions page truthful) and return how many app tokens
    remain, which the sessions page then offers to end."""
    old_key = request.session.session_key
    update_session_auth_hash(request, user)
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(key=old_key, user=user).update(key=new_key)
    device_sessions_end_others(user=user, keep_key=new_key, kind=UserSession.Kind.WEB)
    return sum(1 for d in device_sessions_for(user) if d.key != new_key)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def two_factor_setup_required(user: User) -> bool:
    """Staff of a school that requires two-factor sign-in, without a confirmed device yet."""
    return (
        user.kind == User.Kind.STAFF
        and user.school is not None
        and user.school.require_staff_2fa
        and not totp_device_confirmed(user)
    )


def api_token_create(*, request: HttpRequest, user: User) -> str:
    """Issue an API token (returned once; only its SHA-256 is stored) and record the sign-in.

    A token lives at most ``KAJET_TOKEN_DAYS`` (absolute) and dies after
    ``KAJET_TOKEN_IDLE_DAYS`` without use (idle), like a web session but on the time scale
    of a phone app."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    UserSession.objects.create(
        user=user,
        kind=UserSession.Kind.API,
        key=token_hash(raw),
        expires_at=now + timedelta(days=int(settings.KAJET_TOKEN_DAYS)),
        ip=client_ip(request),
        user_agent=_user_agent(request),
    )
    _record(
        request, login_name=user.login, user=user, result=SignInAttempt.Result.SUCCESS, via="api"
    )
    return raw


#: Seconds between writes of a token's last use (a busy app must not write on every call).
TOKEN_TOUCH_EVERY = 60


def api_token_user(raw: str) -> tuple[User, UserSession] | None:
    """The active user and device behind a token, or None (one query; one more write at
    most once a minute to record the last use). An idle token is ended here."""
    device = (
        UserSession.objects.select_related("user", "user__school")
        .filter(key=token_hash(raw), kind=UserSession.Kind.API, ended_at__isnull=True)
        .first()
    )
    if device is None or not device.is_active or not device.user.is_active:
        return None
    now = timezone.now()
    if now - device.last_seen_at > token_idle_limit():
        UserSession.objects.filter(pk=device.pk).update(ended_at=now)
        return None
    if (now - device.last_seen_at).total_seconds() > TOKEN_TOUCH_EVERY:
        UserSession.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device.user, device


def sign_in_history(user: User, *, limit: int = 50) -> list[SignInAttempt]:
    """The user's most recent sign-in attempts (all results), newest first (one query)."""
    return list(SignInAttempt.objects.filter(user=user).order_by("-at", "-pk")[:limit])


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
    """The secret for the user to scan: the pending (unconfirmed) one if there is one, so a
    reload does not invalidate what was already scanned; a new one otherwise. A confirmed
    device is returned unchanged (turn it off first to get a new key)."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        device, _ = TotpDevice.objects.get_or_create(
            user=user, defaults={"secret": pyotp.random_base32()}
        )
    return device


def totp_uri(device: TotpDevice, *, issuer: str = "Kajet") -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.login, issuer_name=issuer)


def totp_verify(*, user: User, code: str, device: TotpDevice | None = None) -> bool:
    """Check a 6-digit code (±1 step of clock drift); a code is never accepted twice, and
    no code older than the last accepted one is accepted either (replay)."""
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
            # The conditional update makes two simultaneous uses of one code race safely.
            updated = TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
                last_used_step=step
            )
            device.last_used_step = step
            return bool(updated)
    return False


def totp_confirm(*, user: User, code: str) -> bool:
    """Turn two-factor sign-in on once the user proved a code from the scanned secret."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None or not totp_verify(user=user, code=code, device=device):
        return False
    TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    return True


def totp_disable(*, user: User) -> None:
    TotpDevice.objects.filter(user=user).delete()


def request_meta(request: HttpRequest) -> dict[str, Any]:
    return {"ip": client_ip(request), "user_agent": _user_agent(request)}
