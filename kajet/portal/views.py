"""Portal account pages: the seed's registration path, activation, sign-in, the list of
linked school logins with one-tap switching, and linking a school login."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kajet.accounts.models import User
from kajet.accounts.services import client_ip
from kajet.portal import extras, reset, services
from kajet.portal.access import access_login_link
from kajet.portal.forms import (
    DeleteForm,
    EmailChangeForm,
    ExtrasCodeForm,
    LinkForm,
    NewPasswordForm,
    PortalPasswordForm,
    PortalSignInForm,
    RegisterForm,
    ResetRequestForm,
    SwitchForm,
    TermsForm,
)
from kajet.portal.models import PortalAccount
from kajet.portal.selectors import login_links_for_account

PortalView = Callable[..., HttpResponse]


def portal_required(view: PortalView) -> Callable[..., HttpResponse]:
    """The portal account of this session as ``account=``, or the portal sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = services.portal_session_account(request)
        if account is None:
            return redirect(f"{reverse('portal:signin')}?next={request.path}")
        if view.__name__ != "terms_accept" and services.terms_need_acceptance(account):
            return redirect("portal:terms_accept")
        return view(request, *args, account=account, **kwargs)

    return wrapper


def _activation_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("portal:activate"))


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """The question "Czy korzystasz z Kajetu pierwszy raz?" (the family side's "Rozpocznij")."""
    return render(request, "portal/start.html")


@never_cache
def first_time(request: HttpRequest) -> HttpResponse:
    """The notice: with only the school's login, create a Kajet account first."""
    return render(request, "portal/first_time.html")


@never_cache
@sensitive_post_parameters("password", "password_again")
def register(request: HttpRequest) -> HttpResponse:
    terms = services.terms_current()
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and terms is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.portal_account_register(
                email=data["email"],
                password=data["password"],
                age_range=data["age_range"],
                guardian_email=data.get("guardian_email") or "",
                language=get_language() or "pl",
                activation_url=_activation_url(request),
            )
        except services.PortalError as error:
            form.add_error(None, str(error))
        else:
            request.session["kajet_portal_registered"] = data["email"]
            return redirect("portal:register_sent")
    return render(
        request,
        "portal/register.html",
        {"form": form, "terms": terms},
        status=400 if form.errors else 200,
    )


@never_cache
def register_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get("kajet_portal_registered", "")
    return render(request, "portal/register_sent.html", {"email": email})


@never_cache
def activate(request: HttpRequest) -> HttpResponse:
    """GET shows the link's state (and the terms); POST activates or sends a new link."""
    token = request.GET.get("t", "")
    check = services.activation_check(token)
    if request.method == "POST" and check.account is not None:
        if check.state == "ok":
            services.portal_account_activate(account=check.account)
            messages.success(
                request, _("Your Kajet account is active. Sign in to add a login from school.")
            )
            return redirect("portal:signin")
        if check.state == "expired":
            services.portal_activation_resend(
                account=check.account, activation_url=_activation_url(request)
            )
            return render(request, "portal/activate.html", {"state": "resent"})
    status = 200 if check.state in ("ok", "used") else 400
    return render(
        request,
        "portal/activate.html",
        {"state": check.state, "token": token, "terms": services.terms_current()},
        status=status,
    )


@never_cache
@sensitive_post_parameters("password")
def signin(request: HttpRequest) -> HttpResponse:
    form = PortalSignInForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.portal_signin_check(
            request=request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if result.account is not None:
            services.portal_session_start(
                request=request,
                account=result.account,
                public=form.cleaned_data["public_computer"],
            )
            return redirect("portal:home")
        error = result.message
    return render(
        request,
        "portal/signin.html",
        {"form": form, "error": error},
        status=400 if (error or form.errors) else 200,
    )


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    services.portal_session_end(request=request)
    messages.success(request, _("You have been signed out."))
    return redirect("accounts:login")


@never_cache
@portal_required
def home(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    """The linked school logins; choosing one is one tap."""
    current = request.user.pk if request.user.is_authenticated else None
    return render(
        request,
        "portal/home.html",
        {
            "account": account,
            "links": login_links_for_account(account),
            "current": current,
            "extras": extras.extras_for_account(account),
        },
    )


@never_cache
@portal_required
def extras_page(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    """The extras plan's state for this account, and activation by a code (404 without a
    plan: then every extra is free and nothing about it is shown)."""
    state = extras.extras_for_account(account)
    if not state.shown:
        raise Http404
    form = ExtrasCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            extras.extras_activate(account=account, code=form.cleaned_data["code"])
        except extras.ExtrasError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, _("The extras are activated."))
            return redirect("portal:extras")
    return render(
        request,
        "portal/extras.html",
        {"account": account, "extras": state, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@sensitive_post_parameters("password")
@portal_required
def link_add(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    form = LinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.login_link_add(
                request=request,
                account=account,
                login=form.cleaned_data["login"],
                password=form.cleaned_data["password"],
            )
        except services.PortalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Login %(login)s (%(school)s) added to your Kajet account.")
                % {"login": link.user.login, "school": link.user.school},
            )
            return redirect("portal:home")
    return render(
        request, "portal/link_add.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
@portal_required
def switch(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    """Act as one of the account's linked school logins (404 for anyone else's link)."""
    form = SwitchForm(request.POST)
    link = access_login_link(account, form.cleaned_data["link"] if form.is_valid() else None)
    services.portal_switch(request=request, account=account, link=link)
    return redirect("dashboard:home")


def _pad_to(started: float, seconds: float) -> None:
    """Answer no sooner than ``seconds`` after ``started`` (equal time for every address)."""
    remaining = seconds - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)


@never_cache
def password_forgotten(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link: the same answer, in the same time, whether or not the address
    has an account; too many requests from one network are refused."""
    form = ResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        started = time.monotonic()
        email = form.cleaned_data["email"]
        ip = client_ip(request)
        if reset.reset_rate_limited(email=email, ip=ip) == "network":
            form.add_error(None, _("Too many requests from this network. Try again in an hour."))
            return render(request, "portal/password_forgotten.html", {"form": form}, status=429)
        reset.password_reset_request(
            email=email,
            ip=ip,
            link_base=request.build_absolute_uri(reverse("portal:password_reset")),
            language=get_language() or "pl",
        )
        _pad_to(started, float(settings.KAJET_RESET_ANSWER_SECONDS))
        return render(request, "portal/password_forgotten.html", {"sent": True})
    return render(
        request,
        "portal/password_forgotten.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@sensitive_post_parameters("new_password", "new_password_again")
def password_reset(request: HttpRequest) -> HttpResponse:
    """Set a new password through the e-mailed link (one hour, once)."""
    raw = request.GET.get("t", "")
    check = reset.password_reset_check(raw)
    if check.request is None:
        return render(request, "portal/password_reset.html", {"state": check.state}, status=400)
    owner = check.request.user
    probe = owner or User(login=check.request.account.email if check.request.account else "")
    form = NewPasswordForm(request.POST if request.method == "POST" else None, probe=probe)
    if request.method == "POST" and form.is_valid():
        if reset.password_reset_complete(raw=raw, new_password=form.cleaned_data["new_password"]):
            messages.success(request, _("Your password has been changed. Sign in with it."))
            if owner is not None:
                return redirect(reverse("accounts:login") + "?jako=pracownik")
            return redirect("portal:signin")
        return render(request, "portal/password_reset.html", {"state": "used"}, status=400)
    return render(
        request,
        "portal/password_reset.html",
        {"state": "ok", "form": form, "login": owner.login if owner else ""},
        status=400 if form.errors else 200,
    )


@never_cache
@portal_required
def terms_accept(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    """A new version of the terms: accept it to go on (or sign out)."""
    terms = services.terms_need_acceptance(account)
    if terms is None:
        return redirect("portal:home")
    form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.portal_terms_accept(account=account, terms=terms)
        return redirect("portal:home")
    return render(
        request,
        "portal/terms_accept.html",
        {"terms": terms, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@portal_required
def settings_page(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    return render(
        request,
        "portal/settings.html",
        {
            "account": account,
            "password_form": PortalPasswordForm(account=account, prefix="pw"),
            "email_form": EmailChangeForm(account=account, prefix="em"),
            "delete_form": DeleteForm(account=account, prefix="del"),
        },
    )


def _settings_error(request: HttpRequest, account: PortalAccount, **forms: Any) -> HttpResponse:
    context = {
        "account": account,
        "password_form": PortalPasswordForm(account=account, prefix="pw"),
        "email_form": EmailChangeForm(account=account, prefix="em"),
        "delete_form": DeleteForm(account=account, prefix="del"),
    }
    context.update(forms)
    return render(request, "portal/settings.html", context, status=400)


@require_POST
@sensitive_post_parameters("pw-current_password", "pw-new_password", "pw-new_password_again")
@portal_required
def password_change(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    form = PortalPasswordForm(request.POST, account=account, prefix="pw")
    if not form.is_valid():
        return _settings_error(request, account, password_form=form)
    services.portal_password_change(
        request=request, account=account, new_password=form.cleaned_data["new_password"]
    )
    messages.success(request, _("Your password has been changed. Other devices are signed out."))
    return redirect("portal:settings")


@require_POST
@sensitive_post_parameters("em-current_password")
@portal_required
def email_change(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    form = EmailChangeForm(request.POST, account=account, prefix="em")
    if not form.is_valid():
        return _settings_error(request, account, email_form=form)
    services.portal_email_change_request(
        account=account,
        new_email=form.cleaned_data["new_email"],
        confirm_url=request.build_absolute_uri(reverse("portal:email_confirm")),
    )
    messages.success(
        request,
        _(
            "We have sent a confirmation link to the new address. Until you open it, "
            "the old one stays."
        ),
    )
    return redirect("portal:settings")


@never_cache
def email_confirm(request: HttpRequest) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST sets the new address."""
    token = request.GET.get("t", "")
    if request.method == "POST":
        if services.portal_email_change_confirm(token=token) is not None:
            messages.success(request, _("Your e-mail address has been changed."))
            return redirect("portal:signin")
        return render(request, "portal/email_confirm.html", {"invalid": True}, status=400)
    return render(request, "portal/email_confirm.html", {"invalid": False})


@require_POST
@sensitive_post_parameters("del-current_password")
@portal_required
def account_delete(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    form = DeleteForm(request.POST, account=account, prefix="del")
    if not form.is_valid():
        return _settings_error(request, account, delete_form=form)
    services.portal_account_delete(request=request, account=account)
    messages.success(
        request,
        _("Your Kajet account has been deleted. The logins from school work as before."),
    )
    return redirect("accounts:login")


@require_POST
@portal_required
def unlink(request: HttpRequest, *, account: PortalAccount) -> HttpResponse:
    """Take a school login off the account (404 for anyone else's link)."""
    form = SwitchForm(request.POST)
    link = access_login_link(account, form.cleaned_data["link"] if form.is_valid() else None)
    if request.user.is_authenticated and request.user.pk == link.user_id:
        # Acting as the login being unlinked: end that school session, keep the portal one.
        kept = {k: request.session[k] for k in services.PORTAL_SESSION_KEYS if k in request.session}
        services.portal_session_end(request=request)
        request.session.update(kept)
    services.login_link_remove(account=account, link=link)
    messages.success(request, _("The login has been taken off your Kajet account."))
    return redirect("portal:home")
