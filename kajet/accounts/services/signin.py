"""Signing in: throttling from the SignInAttempt log *before* any password hash is computed
(a locked login gets the same answer whether it exists or not), the password and code checks,
the sign-in history."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from kajet.accounts.lockout import LockRule, pair_failures, pair_locked_until
from kajet.accounts.models import SignInAttempt, TotpDevice, User
from kajet.accounts.services.client import client_ip, user_agent
from kajet.accounts.services.totp import totp_device_confirmed, totp_verify

FAILURES = (SignInAttempt.Result.BAD_CREDENTIALS, SignInAttempt.Result.BAD_OTP)
#: Characters of generated passwords: no 0/O, 1/l/I, so a printed slip reads unambiguously.


@dataclass(frozen=True)
class SignInResult:
    result: str
    user: User | None = None
    until: datetime | None = None  # when a lock ends (LOCKED, THROTTLED)

    @property
    def retry_after(self) -> int | None:
        """Seconds until a locked sign-in may be tried again (for ``Retry-After``)."""
        if self.until is None:
            return None
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def ok(self) -> bool:
        return self.result == SignInAttempt.Result.SUCCESS

    @property
    def needs_otp(self) -> bool:
        return self.result == SignInAttempt.Result.PASSWORD_OK


def normalize_login(raw: str) -> str:
    return raw.strip().lower()


def lock_rule() -> LockRule:
    """The deployment's sign-in lock rule (settings ``KAJET_SIGNIN_*``)."""
    return LockRule(
        free=int(settings.KAJET_SIGNIN_FREE_FAILURES),
        delay_seconds=int(settings.KAJET_SIGNIN_DELAY_SECONDS),
        max_delay_seconds=int(settings.KAJET_SIGNIN_LOCK_MINUTES) * 60,
        account_ceiling=int(settings.KAJET_SIGNIN_ACCOUNT_CEILING),
        address_ceiling=int(settings.KAJET_SIGNIN_ADDRESS_CEILING),
    )


@dataclass(frozen=True)
class SignInLock:
    result: str  # SignInAttempt.Result.LOCKED or THROTTLED
    until: datetime


def _memory_start(login_name: str, now: datetime) -> datetime:
    """Failures before this are not counted: the memory, or the office's last unlock."""
    since = now - timedelta(hours=int(settings.KAJET_SIGNIN_MEMORY_HOURS))
    unlocked = (
        SignInAttempt.objects.filter(
            login=login_name, result=SignInAttempt.Result.UNLOCKED, at__gte=since
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return max(since, unlocked) if unlocked else since


def _pair_lock(
    login_name: str, ip: str | None, since: datetime, now: datetime, rule: LockRule
) -> SignInLock | None:
    rows = list(
        SignInAttempt.objects.filter(
            login=login_name,
            ip=ip,
            at__gte=since,
            result__in=(*FAILURES, SignInAttempt.Result.SUCCESS),
        )
        .order_by("-at")
        .values_list("at", "result")[: rule.saturation]
    )
    failures = pair_failures(rows, reset_results={SignInAttempt.Result.SUCCESS})
    until = pair_locked_until(failures, rule)
    return SignInLock(SignInAttempt.Result.LOCKED, until) if until and until > now else None


def address_is_known(login_name: str, ip: str | None, now: datetime) -> bool:
    """Whether this login has signed in successfully from this address before."""
    if not ip:
        return False
    days = timedelta(days=int(settings.KAJET_SIGNIN_KNOWN_ADDRESS_DAYS))
    return SignInAttempt.objects.filter(
        login=login_name, ip=ip, result=SignInAttempt.Result.SUCCESS, at__gte=now - days
    ).exists()


def _ceiling_lock(
    login_name: str, ip: str | None, since: datetime, now: datetime, rule: LockRule
) -> SignInLock | None:
    account_failures = SignInAttempt.objects.filter(
        login=login_name, result__in=FAILURES, at__gte=since
    ).count()
    hour_ago = now - timedelta(hours=1)
    address_failures = (
        SignInAttempt.objects.filter(ip=ip, result__in=FAILURES, at__gte=hour_ago).count()
        if ip
        else 0
    )
    over_account = account_failures >= rule.account_ceiling
    over_address = address_failures >= rule.address_ceiling
    if not (over_account or over_address) or address_is_known(login_name, ip, now):
        return None
    if over_account:
        return SignInLock(SignInAttempt.Result.LOCKED, now + timedelta(hours=1))
    return SignInLock(SignInAttempt.Result.THROTTLED, now + timedelta(hours=1))


def signin_lock(*, login_name: str, ip: str | None, now: datetime) -> SignInLock | None:
    """Why and until when an attempt must be refused without checking the password, or None.

    The rule is ``kajet.accounts.lockout`` (per login and address with doubling waits, a far
    higher ceiling per login and per address that spares addresses the login has signed in
    from before). Unknown logins are locked the same way, so a lock tells nothing about
    whether a login exists. At most five small indexed queries; no password hash.
    """
    rule = lock_rule()
    login_name = SignInAttempt.clip_login(login_name)  # as the attempts were recorded
    since = _memory_start(login_name, now)
    return _pair_lock(login_name, ip, since, now, rule) or _ceiling_lock(
        login_name, ip, since, now, rule
    )


def signin_throttle_reason(*, login_name: str, ip: str | None, now: datetime) -> str | None:
    """The result code of ``signin_lock`` (LOCKED, THROTTLED) or None."""
    found = signin_lock(login_name=login_name, ip=ip, now=now)
    return found.result if found else None


def refusal_message(result: str, until: datetime | None = None) -> str:
    """The one message a refused sign-in shows (web and API alike). Wrong login, wrong
    password, wrong kind of account and inactive login all read the same."""
    minutes = _minutes_left(until) if until else settings.KAJET_SIGNIN_LOCK_MINUTES
    if result == SignInAttempt.Result.LOCKED:
        return gettext(
            "Too many failed sign-in attempts. This account is locked for %(minutes)d minutes. "
            "If you have forgotten your password, ask the school office for a new one."
        ) % {"minutes": minutes}
    if result == SignInAttempt.Result.THROTTLED:
        return gettext(
            "Too many failed sign-in attempts from this network. Try again in %(minutes)d minutes."
        ) % {"minutes": minutes}
    if result == SignInAttempt.Result.BAD_OTP:
        return gettext("The code is not correct. Enter the current code from your app.")
    return gettext("Wrong login or password. Also check that you chose the right kind of account.")


def _minutes_left(until: datetime) -> int:
    return max(1, math.ceil((until - timezone.now()).total_seconds() / 60))


def record_attempt(
    request: HttpRequest, *, login_name: str, user: User | None, result: str, via: str
) -> None:
    SignInAttempt.objects.create(
        login=SignInAttempt.clip_login(login_name),
        user=user,
        ip=client_ip(request),
        user_agent=user_agent(request),
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
    lock = signin_lock(login_name=login_name, ip=client_ip(request), now=timezone.now())
    if lock:
        # Looking the login up costs no hash; the record lets the owner see the refusals.
        owner = User.objects.filter(login=login_name).first()
        record_attempt(request, login_name=login_name, user=owner, result=lock.result, via=via)
        return SignInResult(lock.result, until=lock.until)
    user = authenticate(request, login=login_name, password=password)
    if (
        isinstance(user, User)
        and staff is not None
        and staff != (user.kind in (User.Kind.STAFF, User.Kind.OPERATOR))
    ):
        user = None
    if not isinstance(user, User):
        record_attempt(
            request,
            login_name=login_name,
            user=User.objects.filter(login=login_name).first(),
            result=SignInAttempt.Result.BAD_CREDENTIALS,
            via=via,
        )
        return SignInResult(SignInAttempt.Result.BAD_CREDENTIALS)
    if totp_device_confirmed(user):
        record_attempt(
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
    lock = signin_lock(login_name=user.login, ip=client_ip(request), now=timezone.now())
    if lock:
        record_attempt(request, login_name=user.login, user=user, result=lock.result, via=via)
        return SignInResult(lock.result, until=lock.until)
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is not None and totp_verify(user=user, code=code, device=device):
        return SignInResult(SignInAttempt.Result.SUCCESS, user)
    record_attempt(
        request, login_name=user.login, user=user, result=SignInAttempt.Result.BAD_OTP, via=via
    )
    return SignInResult(SignInAttempt.Result.BAD_OTP)


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
