"""Writes of portal accounts: registration, activation, purge, sign-in, linking school logins,
switching between them.

Services are keyword-only; each runs in one transaction and sends its e-mail on commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from kajet.accounts import services as account_services
from kajet.accounts.models import SignInAttempt, User
from kajet.accounts.passwords import password_matches_equal_time
from kajet.core.mail import send_transactional
from kajet.portal.extras import extras_trial_start
from kajet.portal.models import NEEDS_GUARDIAN, LoginLink, PortalAccount, Terms
from kajet.portal.rules import activation_deadline, normalize_email

log = logging.getLogger("kajet.portal")

ACTIVATION_SALT = "kajet.portal.activation"
#: Session keys of a portal sign-in (kept when switching between linked school logins).
PORTAL_KEY = "kajet_portal"
PORTAL_HASH_KEY = "kajet_portal_hash"
PORTAL_SEEN_KEY = "kajet_portal_seen"
PUBLIC_KEY = "kajet_public"
PORTAL_SESSION_KEYS = (PORTAL_KEY, PORTAL_HASH_KEY, PORTAL_SEEN_KEY, PUBLIC_KEY)


class PortalError(Exception):
    """A refusal with a message for the user (already translated)."""


# --- terms ---------------------------------------------------------------------------------------


def terms_current() -> Terms | None:
    """The terms in force: the newest version (None before the operator published any)."""
    return Terms.objects.order_by("-version").first()


@transaction.atomic
def terms_publish(*, text: str) -> Terms:
    """A new version of the terms; accounts accept it at their next sign-in."""
    latest = terms_current()
    return Terms.objects.create(version=(latest.version + 1) if latest else 1, text=text.strip())


# --- registration and activation ----------------------------------------------------------------


def activation_token(account: PortalAccount) -> str:
    """A signed token naming the account and the link's sending time: a newer link or an
    activated account makes it worthless; it expires after the activation period."""
    return signing.dumps(
        {"a": account.pk, "s": int(account.activation_sent_at.timestamp())}, salt=ACTIVATION_SALT
    )


@dataclass(frozen=True)
class ActivationCheck:
    state: str  # ok | expired | used | invalid
    account: PortalAccount | None = None


def activation_check(token: str) -> ActivationCheck:
    """What an activation link is worth now (never raises)."""
    max_age = timedelta(days=settings.KAJET_PORTAL_ACTIVATION_DAYS)
    expired = False
    try:
        data = signing.loads(token, salt=ACTIVATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        expired = True
        try:
            data = signing.loads(token, salt=ACTIVATION_SALT)
        except signing.BadSignature:
            return ActivationCheck("invalid")
    except signing.BadSignature:
        return ActivationCheck("invalid")
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return ActivationCheck("invalid")
    account = PortalAccount.objects.filter(pk=int(data["a"])).first()
    if account is None:
        return ActivationCheck("expired" if expired else "invalid")
    if account.is_activated:
        return ActivationCheck("used", account)
    if int(account.activation_sent_at.timestamp()) != data.get("s"):
        return ActivationCheck("invalid")
    return ActivationCheck("expired" if expired else "ok", account)


def _send_activation(*, account: PortalAccount, terms: Terms, base_url: str) -> None:
    """The activation link (to the guardian below 16, who confirms) with the terms' text."""
    link = f"{base_url}?t={activation_token(account)}"
    deadline = activation_deadline(
        account.activation_sent_at, settings.KAJET_PORTAL_ACTIVATION_DAYS
    )
    context = {"link": link, "deadline": deadline, "terms": terms, "account": account}
    if account.guardian_email:
        send_transactional(
            to=account.guardian_email,
            template="portal/email/activation_guardian",
            context=context,
            language=account.language,
        )
        send_transactional(
            to=account.email,
            template="portal/email/activation_child",
            context=context,
            language=account.language,
        )
        return
    send_transactional(
        to=account.email,
        template="portal/email/activation",
        context=context,
        language=account.language,
    )


@transaction.atomic
def portal_account_register(
    *,
    email: str,
    password: str,
    age_range: str,
    guardian_email: str,
    language: str,
    activation_url: str,
) -> PortalAccount:
    """Create an inactive account and e-mail its activation link (to the guardian below 16)
    with the terms in force. The form has validated the input; a taken address raises."""
    terms = terms_current()
    if terms is None:
        raise PortalError(
            gettext("Registration is not open yet: the terms have not been published.")
        )
    email = normalize_email(email)
    if PortalAccount.objects.filter(email=email).exists():
        raise PortalError(gettext("A Kajet account with this e-mail address already exists."))
    now = timezone.now()
    account = PortalAccount(
        email=email,
        age_range=age_range,
        guardian_email=normalize_email(guardian_email) if age_range in NEEDS_GUARDIAN else "",
        language=language,
        created_at=now,
        activation_sent_at=now,
    )
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as error:  # registered at the same moment by someone else
        raise PortalError(
            gettext("A Kajet account with this e-mail address already exists.")
        ) from error
    _send_activation(account=account, terms=terms, base_url=activation_url)
    return account


@transaction.atomic
def portal_activation_resend(*, account: PortalAccount, activation_url: str) -> None:
    """A new activation link (the old one stops working); the purge counts from it."""
    terms = terms_current()
    if account.is_activated or terms is None:
        return
    account.activation_sent_at = timezone.now()
    account.save(update_fields=["activation_sent_at"])
    _send_activation(account=account, terms=terms, base_url=activation_url)


@transaction.atomic
def portal_account_activate(*, account: PortalAccount) -> None:
    """Activate the account: records the terms version in force and the time."""
    terms = terms_current()
    now = timezone.now()
    updated = PortalAccount.objects.filter(pk=account.pk, activated_at__isnull=True).update(
        activated_at=now, terms=terms, terms_accepted_at=now
    )
    if updated:
        account.activated_at, account.terms, account.terms_accepted_at = now, terms, now
        extras_trial_start(account)
        log.info("portal account %s activated (terms v%s)", account.pk, terms and terms.version)


def portal_purge_unactivated(*, now: datetime | None = None) -> int:
    """Delete every account not activated within the activation period of its last link.
    The log names how many and their ids, never an address."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KAJET_PORTAL_ACTIVATION_DAYS)
    stale = PortalAccount.objects.filter(activated_at__isnull=True, activation_sent_at__lt=cutoff)
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        PortalAccount.objects.filter(pk__in=ids).delete()
    log.info("portal: purged %d unactivated registrations (ids %s)", len(ids), ids)
    return len(ids)


# --- sign-in and the portal session -------------------------------------------------------------


def _record_attempt(request: HttpRequest, *, email: str, result: str) -> None:
    SignInAttempt.objects.create(
        login=SignInAttempt.clip_login(email),
        ip=account_services.client_ip(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
        result=result,
        via="portal",
    )


@dataclass(frozen=True)
class PortalSignIn:
    account: PortalAccount | None
    message: str = ""
    locked_until: datetime | None = None  # refused by the lockout, not by the password


def portal_signin_check(*, request: HttpRequest, email: str, password: str) -> PortalSignIn:
    """Check the portal credentials with the sign-in throttle of school logins (the same
    lockout and per-address limit; an unknown address costs the same hash as a known one)."""
    email = normalize_email(email)
    lock = account_services.signin_lock(
        login_name=email,
        ip=account_services.client_ip(request),
        now=timezone.now(),
    )
    if lock:
        _record_attempt(request, email=email, result=lock.result)
        return PortalSignIn(
            None, account_services.refusal_message(lock.result, lock.until), lock.until
        )
    account = PortalAccount.objects.filter(email=email).first()
    # One default-hasher verification whether or not the address exists (no enumeration).
    matches = password_matches_equal_time(
        encoded=account.password if account else None, password=password
    )
    if account is not None and matches and account.is_activated:
        _record_attempt(request, email=email, result=SignInAttempt.Result.SUCCESS)
        return PortalSignIn(account)
    _record_attempt(request, email=email, result=SignInAttempt.Result.BAD_CREDENTIALS)
    return PortalSignIn(
        None, gettext("Wrong e-mail or password, or the account has not been activated yet.")
    )


def session_mark(account: PortalAccount) -> str:
    """Changes with the password, so changing (or resetting) it ends every other portal
    session and every app token of the account."""
    return salted_hmac("kajet.portal.session", account.password).hexdigest()


_session_hash = session_mark


def portal_session_start(*, request: HttpRequest, account: PortalAccount, public: bool) -> None:
    """Sign the portal account in on the web (a new session id; no school login yet)."""
    if request.user.is_authenticated:
        account_services.session_end(request=request)
    request.session.cycle_key()
    request.session[PORTAL_KEY] = account.pk
    request.session[PORTAL_HASH_KEY] = _session_hash(account)
    request.session[PORTAL_SEEN_KEY] = timezone.now().timestamp()
    if public:
        request.session[PUBLIC_KEY] = True
        request.session.set_expiry(0)  # the cookie ends with the browser: nothing remembered
    PortalAccount.objects.filter(pk=account.pk).update(last_sign_in_at=timezone.now())


def portal_idle_seconds(request: HttpRequest) -> int:
    if request.session.get(PUBLIC_KEY):
        return int(settings.KAJET_PUBLIC_IDLE_MINUTES) * 60
    return int(settings.KAJET_PORTAL_IDLE_MINUTES) * 60


def portal_session_account(request: HttpRequest) -> PortalAccount | None:
    """The portal account signed in on this session, or None (also when the password was
    changed elsewhere or the portal part of the session idled out)."""
    account_id = request.session.get(PORTAL_KEY)
    if not account_id:
        return None
    account = PortalAccount.objects.filter(pk=account_id, activated_at__isnull=False).first()
    seen = float(request.session.get(PORTAL_SEEN_KEY, 0))
    now = timezone.now().timestamp()
    if (
        account is None
        or not constant_time_compare(
            request.session.get(PORTAL_HASH_KEY, ""), _session_hash(account)
        )
        or now - seen > portal_idle_seconds(request)
    ):
        portal_session_end(request=request)
        return None
    request.session[PORTAL_SEEN_KEY] = now
    return account


def portal_session_end(*, request: HttpRequest) -> None:
    """Sign out of the portal and of the school login it acts as."""
    if request.user.is_authenticated:
        account_services.session_end(request=request)
    else:
        request.session.flush()


def portal_switch(*, request: HttpRequest, account: PortalAccount, link: LoginLink) -> None:
    """Act as one linked school login: a real session of that login (its school's scope, its
    rights, its idle limit), keeping the portal sign-in so the next switch is one tap."""
    if link.account_id != account.pk:
        raise PermissionError("not the account's link")
    kept = {key: request.session[key] for key in PORTAL_SESSION_KEYS if key in request.session}
    if request.user.is_authenticated:
        account_services.session_end(request=request)
    account_services.session_start(request=request, user=link.user)
    for key, value in kept.items():
        request.session[key] = value
    if kept.get(PUBLIC_KEY):
        request.session.set_expiry(0)
    LoginLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


# --- linking school logins ----------------------------------------------------------------------


def login_link_add(
    *, request: HttpRequest, account: PortalAccount, login: str, password: str
) -> LoginLink:
    """Link a guardian's or student's school login after checking its password with the
    sign-in rules (the same lockout: a wrong password counts toward that login's lock).

    The check runs outside the link's transaction on purpose: a refused attempt must stay
    recorded, or the lockout would never count it."""
    result = account_services.signin_check_password(
        request=request, login_name=login, password=password, via="portal", staff=False
    )
    if result.user is None:
        raise PortalError(account_services.refusal_message(result.result, result.until))
    return _link_create(account=account, user=result.user)


@transaction.atomic
def _link_create(*, account: PortalAccount, user: User) -> LoginLink:
    existing = LoginLink.objects.filter(user=user).first()
    if existing is not None and existing.account_id == account.pk:
        raise PortalError(gettext("This login is already on your Kajet account."))
    if existing is not None:
        raise PortalError(
            gettext(
                "This login is already linked to another Kajet account. Ask its owner to "
                "unlink it, or ask the school office for a new password."
            )
        )
    try:
        with transaction.atomic():
            link = LoginLink.objects.create(account=account, user=user)
    except IntegrityError as error:  # linked by someone else at the same moment
        raise PortalError(
            gettext("This login is already linked to another Kajet account.")
        ) from error
    log.info("portal account %s linked user %s", account.pk, user.pk)
    return link


@transaction.atomic
def login_link_remove(*, account: PortalAccount, link: LoginLink) -> None:
    """Unlink a school login (the login and the school's data stay as they are)."""
    if link.account_id != account.pk:
        raise PermissionError("not the account's link")
    link.delete()


def linkable(user: User) -> bool:
    return user.kind in (User.Kind.GUARDIAN, User.Kind.STUDENT)


# --- account care --------------------------------------------------------------------------------

EMAIL_CHANGE_SALT = "kajet.portal.email-change"
#: How long the confirmation link of a new e-mail address works.
EMAIL_CHANGE_HOURS = 24


def terms_need_acceptance(account: PortalAccount) -> Terms | None:
    """The terms in force when the account has not accepted them yet (a new version)."""
    current = terms_current()
    if current is not None and account.terms_id != current.pk:
        return current
    return None


@transaction.atomic
def portal_terms_accept(*, account: PortalAccount, terms: Terms) -> None:
    now = timezone.now()
    PortalAccount.objects.filter(pk=account.pk).update(terms=terms, terms_accepted_at=now)
    account.terms, account.terms_accepted_at = terms, now
    log.info("portal account %s accepted terms v%s", account.pk, terms.version)


@transaction.atomic
def portal_password_change(
    *, request: HttpRequest, account: PortalAccount, new_password: str
) -> None:
    """A new password: this session stays signed in; every other portal session ends (their
    stored hash no longer matches)."""
    account.set_password(new_password)
    account.save(update_fields=["password"])
    request.session[PORTAL_HASH_KEY] = _session_hash(account)
    log.info("portal account %s changed its password", account.pk)


def email_change_token(account: PortalAccount, new_email: str) -> str:
    return signing.dumps(
        {"a": account.pk, "old": account.email, "new": new_email}, salt=EMAIL_CHANGE_SALT
    )


@transaction.atomic
def portal_email_change_request(
    *, account: PortalAccount, new_email: str, confirm_url: str
) -> None:
    """Send a confirmation link to the new address; the old address is told about it."""
    new_email = normalize_email(new_email)
    link = f"{confirm_url}?t={email_change_token(account, new_email)}"
    context = {"link": link, "new_email": new_email, "hours": EMAIL_CHANGE_HOURS}
    send_transactional(
        to=new_email,
        template="portal/email/email_change_confirm",
        context=context,
        language=account.language,
    )
    send_transactional(
        to=account.email,
        template="portal/email/email_change_notice",
        context=context,
        language=account.language,
    )


@transaction.atomic
def portal_email_change_confirm(*, token: str) -> PortalAccount | None:
    """Set the new address from a valid confirmation link (None: expired, used or taken)."""
    try:
        data = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=timedelta(hours=EMAIL_CHANGE_HOURS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    account = PortalAccount.objects.filter(pk=int(data["a"]), email=data.get("old")).first()
    new_email = str(data.get("new", ""))
    if account is None or PortalAccount.objects.filter(email=new_email).exists():
        return None
    account.email = new_email
    account.save(update_fields=["email"])
    log.info("portal account %s changed its e-mail address", account.pk)
    return account


@transaction.atomic
def portal_account_delete(*, request: HttpRequest, account: PortalAccount) -> None:
    """Delete the account and its links; the school logins and every school's data stay."""
    pk = account.pk
    account.delete()
    portal_session_end(request=request)
    log.info("portal account %s deleted by its owner", pk)
