"""Sign-in (two steps: kind of account, then login and password; a TOTP code for staff who
turned it on), sign-out, password change, the sessions page and two-factor setup."""

from __future__ import annotations

import time

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kajet.accounts import services
from kajet.accounts.forms import OtpForm, PasswordChangeForm, SignInForm
from kajet.accounts.http import request_user
from kajet.accounts.middleware import EXPIRED_PARAM
from kajet.accounts.models import SignInAttempt, User, UserSession

SIGNIN_KINDS = {"rodzina": "family", "pracownik": "staff"}
#: How long the code step waits after the password was accepted.
OTP_STEP_SECONDS = 5 * 60
#: How many sign-in attempts the history page lists.
HISTORY_LENGTH = 50


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard:home")


@never_cache
@sensitive_post_parameters("password")
def signin(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard:home")
    kind_param = request.GET.get("jako", "")
    kind = SIGNIN_KINDS.get(kind_param)
    expired = request.GET.get(EXPIRED_PARAM) == "1"
    if kind is None:
        return render(
            request,
            "accounts/signin_choice.html",
            {"next": request.GET.get("next", ""), "expired": expired},
        )
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.signin_check_password(
            request=request,
            login_name=form.cleaned_data["login"],
            password=form.cleaned_data["password"],
            staff=kind == "staff",
        )
        if result.ok and result.user is not None:
            services.session_start(request=request, user=result.user)
            return redirect(_safe_next(request))
        if result.needs_otp and result.user is not None:
            request.session.cycle_key()  # a planted session id learns nothing
            request.session["kajet_pending_user"] = result.user.pk
            request.session["kajet_pending_next"] = _safe_next(request)
            request.session["kajet_pending_at"] = time.time()
            return redirect("accounts:signin_otp")
        error = services.refusal_message(result.result, result.until)
    status = 200 if not error else 400
    return render(
        request,
        "accounts/signin.html",
        {
            "form": form,
            "kind": kind,
            "kind_param": kind_param,
            "error": error,
            "expired": expired and not error,
            "next": request.GET.get("next", ""),
        },
        status=status,
    )


@never_cache
@sensitive_post_parameters("code")
def signin_otp(request: HttpRequest) -> HttpResponse:
    pending = request.session.get("kajet_pending_user")
    started = float(request.session.get("kajet_pending_at", 0))
    if not pending or time.time() - started > OTP_STEP_SECONDS:
        for key in services.PENDING_KEYS:
            request.session.pop(key, None)
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending, is_active=True).select_related("school").first()
    if user is None:
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.signin_check_otp(
            request=request, user=user, code=form.cleaned_data["code"]
        )
        if result.ok:
            target = request.session.get("kajet_pending_next") or reverse("dashboard:home")
            services.session_start(request=request, user=user, two_factor=True)
            return redirect(target)
        if result.result in (SignInAttempt.Result.LOCKED, SignInAttempt.Result.THROTTLED):
            # Start again from the password: a locked login cannot keep guessing codes.
            for key in services.PENDING_KEYS:
                request.session.pop(key, None)
        error = services.refusal_message(result.result, result.until)
    return render(
        request,
        "accounts/signin_otp.html",
        {"form": form, "error": error},
        status=400 if error else 200,
    )


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    services.session_end(request=request)
    messages.success(request, _("You have been signed out."))
    return redirect("accounts:login")


@login_required
@never_cache
@sensitive_post_parameters("current_password", "new_password", "new_password_again")
def password_change(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    forced = user.must_change_password
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=user, new_password=form.cleaned_data["new_password"])
        services.session_after_password_change(request=request, user=user)
        messages.success(
            request,
            _("Your password has been changed. Your other browsers and apps have been signed out."),
        )
        return redirect("dashboard:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": forced},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def sessions(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    devices = services.device_sessions_for(user)
    current_key = request.session.session_key
    return render(
        request,
        "accounts/sessions.html",
        {
            "devices": devices,
            "current_key": current_key,
            "last_sign_in": services.last_successful_sign_in(user),
            "recent_attempts": services.sign_in_history(user, limit=5),
        },
    )


@login_required
@never_cache
def signin_history(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "accounts/signin_history.html",
        {"attempts": services.sign_in_history(user, limit=HISTORY_LENGTH)},
    )


@login_required
@require_POST
def session_end(request: HttpRequest, device_id: int) -> HttpResponse:
    user = request_user(request)
    device = UserSession.objects.filter(pk=device_id, user=user, ended_at__isnull=True).first()
    if device is None:
        raise Http404
    if device.key == request.session.session_key:
        services.session_end(request=request)  # signing out here
        messages.success(request, _("You have been signed out."))
        return redirect("accounts:login")
    services.device_session_end(user=user, device=device)
    messages.success(request, _("The session has been ended."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    count = services.device_sessions_end_others(user=user, keep_key=request.session.session_key)
    messages.success(request, _("Other sessions ended: %(count)d.") % {"count": count})
    return redirect("accounts:sessions")


@login_required
@never_cache
@sensitive_post_parameters("code")
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on: scan the QR code (or type the key), confirm with a code.

    With it on, the page offers to turn it off (with a current code). A session that has not
    given a code yet (the school started to require it after this sign-in) is asked for one.
    """
    user = request_user(request)
    if user.kind != User.Kind.STAFF:
        raise Http404
    required = bool(user.school and user.school.require_staff_2fa)
    form = OtpForm(request.POST or None)
    if services.totp_device_confirmed(user):
        if required and not request.session.get("kajet_2fa"):
            if request.method == "POST" and form.is_valid():
                if services.totp_verify(user=user, code=form.cleaned_data["code"]):
                    request.session["kajet_2fa"] = True
                    return redirect("dashboard:home")
                form.add_error("code", services.refusal_message(SignInAttempt.Result.BAD_OTP))
            return render(
                request,
                "accounts/totp_setup.html",
                {"confirmed": True, "verify": True, "form": form, "required": required},
                status=400 if form.errors else 200,
            )
        return render(
            request,
            "accounts/totp_setup.html",
            {"confirmed": True, "form": OtpForm(), "required": required},
        )
    device = services.totp_setup_start(user=user)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(user=user, code=form.cleaned_data["code"]):
            request.session["kajet_2fa"] = True
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("accounts:totp_setup")
        form.add_error("code", services.refusal_message(SignInAttempt.Result.BAD_OTP))
    uri = services.totp_uri(device)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=5, title=str(_("QR code to scan")))
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "confirmed": False,
            "form": form,
            "secret": device.secret,
            # Groups of four are easier to type into an app (apps ignore the spaces).
            "secret_grouped": " ".join(
                device.secret[i : i + 4] for i in range(0, len(device.secret), 4)
            ),
            "qr_svg": qr_svg,
            "required": required,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@sensitive_post_parameters("code")
def totp_disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off; needs a current code (a borrowed unlocked browser is not
    enough), and is refused when the school requires it."""
    user = request_user(request)
    if user.kind != User.Kind.STAFF:
        raise Http404
    if user.school and user.school.require_staff_2fa:
        messages.error(request, _("Your school requires two-factor sign-in for staff."))
        return redirect("accounts:totp_setup")
    form = OtpForm(request.POST)
    if not form.is_valid() or not services.totp_verify(user=user, code=form.cleaned_data["code"]):
        messages.error(request, services.refusal_message(SignInAttempt.Result.BAD_OTP))
        return redirect("accounts:totp_setup")
    services.totp_disable(user=user)
    request.session.pop("kajet_2fa", None)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:totp_setup")
