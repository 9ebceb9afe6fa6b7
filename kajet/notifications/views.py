"""Pages of notifications: the list, the user's preferences and devices, the signed links
from e-mails (no sign-in), and the school's delivery log."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_scopes import scope

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import User
from kajet.notifications import access, services
from kajet.notifications.forms import (
    BounceForm,
    EmailForm,
    PreferencesForm,
    ProfileForm,
    SchoolSettingsForm,
)
from kajet.notifications.links import read_preferences_token, read_verify_token
from kajet.notifications.models import ChannelDelivery, Notification
from kajet.notifications.push import public_key, push_configured
from kajet.notifications.selectors import (
    bounced_profiles,
    delivery_counts,
    delivery_log,
    notifications_list_for_user,
    push_devices_for_user,
)
from kajet.portal.extras import extra_missing_for


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    items = notifications_list_for_user(user_id=request.user.pk)
    return render(request, "notifications/list.html", {"items": items})


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    services.notifications_mark_read(user_id=request.user.pk)
    return redirect("notifications:list")


# --- preferences ------------------------------------------------------------------------------


def _channel_notes(user: User) -> list[str]:
    """Why a channel is not available: the school's choice, or a missing confirmation."""
    school = services.school_settings_for(int(user.school_id or 0))
    profile = services.profile_for(user)
    notes = []
    if not school.email_enabled:
        notes.append(_("Your school has turned e-mail notifications off."))
    elif user.kind == User.Kind.STUDENT and not school.student_email_allowed:
        notes.append(_("Your school does not send e-mail to students; you see everything here."))
    elif not user.email:
        notes.append(_("Add an e-mail address below to get e-mail."))
    elif profile.verified_email != user.email:
        notes.append(_("Confirm your e-mail address (we sent a link) to get e-mail."))
    elif profile.email_bounced:
        notes.append(_("E-mail to your address could not be delivered; enter it again below."))
    if not school.push_enabled:
        notes.append(_("Your school has turned push notifications off."))
    elif (extras := extra_missing_for(user, "push")) is not None:
        if extras.trial_ends_on is not None:
            notes.append(
                _(
                    "Push notifications are an extra of your Kajet account: its trial ended "
                    "on %(day)s. Enter an activation code on the Kajet account page to turn "
                    "them on."
                )
                % {"day": date_format(extras.trial_ends_on, "j E Y")}
            )
        else:
            notes.append(
                _(
                    "Push notifications are an extra: they reach family logins linked to a "
                    "Kajet account whose extras are on."
                )
            )
    return notes


def _preferences_context(request: AuthedRequest, **forms: object) -> dict[str, object]:
    user = request.user
    profile = services.profile_for(user)
    current = services.preferences_effective(user)
    context: dict[str, object] = {
        "prefs_form": PreferencesForm(current=current),
        "profile_form": ProfileForm(
            initial={
                "language": profile.language,
                "quiet_from": profile.quiet_from,
                "quiet_until": profile.quiet_until,
                "digest_hour": profile.digest_hour,
            }
        ),
        "email_form": EmailForm(initial={"email": user.email}),
        "profile": profile,
        "notes": _channel_notes(user),
        "email_confirmed": bool(user.email) and profile.verified_email == user.email,
        "push_key": public_key() if push_configured() else "",
        "push_devices": push_devices_for_user(user_id=user.pk),
    }
    context.update(forms)
    return context


@login_required
@never_cache
def preferences(request: AuthedRequest) -> HttpResponse:
    """What arrives by e-mail and push, per kind; quiet hours; the digest hour."""
    if request.method != "POST":
        return render(request, "notifications/preferences.html", _preferences_context(request))
    user = request.user
    form = PreferencesForm(request.POST, current=services.preferences_effective(user))
    profile_form = ProfileForm(request.POST)
    if form.is_valid() and profile_form.is_valid():
        try:
            services.preferences_update(actor=user, choices=form.choices())
            services.profile_update(actor=user, **profile_form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    context = _preferences_context(request, prefs_form=form, profile_form=profile_form)
    return render(request, "notifications/preferences.html", context, status=400)


@login_required
@require_POST
def email_address(request: AuthedRequest) -> HttpResponse:
    """Set the address (or send the confirmation link again)."""
    form = EmailForm(request.POST)
    if form.is_valid():
        services.email_address_set(actor=request.user, email=form.cleaned_data["email"])
        messages.success(
            request, _("We sent a confirmation link to %(email)s.") % form.cleaned_data
        )
        return redirect("notifications:preferences")
    context = _preferences_context(request, email_form=form)
    return render(request, "notifications/preferences.html", context, status=400)


@never_cache
def verify_address(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the confirmation e-mail (works without signing in)."""
    data = read_verify_token(token)
    confirmed = False
    if data is not None:
        school_id = User.objects.filter(pk=data["u"]).values_list("school_id", flat=True).first()
        if school_id is not None:
            with scope(school=school_id):
                confirmed = services.email_address_confirm(
                    user_id=data["u"], email=str(data.get("e", ""))
                )
    status = 200 if confirmed else 400
    return render(request, "notifications/verified.html", {"confirmed": confirmed}, status=status)


@csrf_exempt  # the signed token is the credential; mail programs POST here (RFC 8058)
@never_cache
def email_preferences(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link in every e-mail: turn e-mail off for that kind (or all)."""
    data = read_preferences_token(token)
    school_id = (
        User.objects.filter(pk=data["u"]).values_list("school_id", flat=True).first()
        if data
        else None
    )
    if data is None or school_id is None:
        raise Http404
    kind = str(data.get("k") or "")
    labels = dict(Notification.Kind.choices)
    done = False
    if request.method == "POST":
        with scope(school=school_id):
            services.email_off(user_id=data["u"], kind=kind if "all" not in request.POST else "")
        done = True
    context = {"kind_label": labels.get(kind, ""), "done": done, "token": token}
    return render(request, "notifications/email_off.html", context)


# --- push devices -----------------------------------------------------------------------------


@login_required
@require_POST
def push_subscribe(request: AuthedRequest) -> HttpResponse:
    """Register this browser's push subscription (JSON from static/notifications/push.js)."""
    try:
        data = json.loads(request.body or b"{}")
        services.push_subscription_add(
            actor=request.user,
            data=data if isinstance(data, dict) else {},
            user_agent=request.headers.get("User-Agent", ""),
        )
    except (ValueError, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else _("Not JSON.")
        return JsonResponse({"error": message}, status=400)
    return JsonResponse({"ok": True}, status=201)


@login_required
@require_POST
def push_device_remove(request: AuthedRequest, subscription_id: int) -> HttpResponse:
    subscription = access.access_push_subscription(request.user, subscription_id)
    services.push_subscription_remove(actor=request.user, subscription_id=subscription.pk)
    messages.success(request, _("The device will not get push notifications any more."))
    return redirect(request.POST.get("next") or "notifications:preferences")


# --- the school's log and settings --------------------------------------------------------------


@login_required
@never_cache
def delivery_log_page(
    request: AuthedRequest, bounce_form: BounceForm | None = None
) -> HttpResponse:
    """Per channel: sent, failed, pending, with the reason (school administrator, principal);
    the users whose address bounced."""
    access.require(request.user, "delivery_log.view")
    school_id = request.user.school_id or 0
    status = request.GET.get("stan", "")
    if status not in ChannelDelivery.Status.values:
        status = ""
    current = services.school_settings_for(school_id)
    context = {
        "counts": delivery_counts(school_id=school_id),
        "rows": delivery_log(school_id=school_id, status=status),
        "status": status,
        "statuses": ChannelDelivery.Status.choices,
        "can_manage": access.can(request.user, "school_settings.manage"),
        "bounced": bounced_profiles(school_id=school_id),
        "bounce_form": bounce_form or BounceForm(),
        "settings_form": SchoolSettingsForm(
            initial={
                "email_enabled": current.email_enabled,
                "push_enabled": current.push_enabled,
                "student_email_allowed": current.student_email_allowed,
                "absence_alert_late": current.absence_alert_late,
            }
        ),
    }
    status_code = 400 if bounce_form is not None else 200
    return render(request, "notifications/delivery_log.html", context, status=status_code)


@login_required
@require_POST
def email_bounce(request: AuthedRequest) -> HttpResponse:
    """The administrator records an address that bounced (in this school only)."""
    access.require(request.user, "school_settings.manage")
    form = BounceForm(request.POST)
    if not form.is_valid():
        return delivery_log_page(request, bounce_form=form)
    found = services.email_bounce_record(
        addresses=[form.cleaned_data["email"]],
        actor=request.user,
        school_id=request.user.school_id,
    )
    if found:
        messages.success(request, _("No more e-mail goes to that address."))
    else:
        messages.info(request, _("No one in the school receives e-mail at that address."))
    return redirect("notifications:delivery_log")


@login_required
@require_POST
def school_settings(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, "school_settings.manage")
    form = SchoolSettingsForm(request.POST)
    if form.is_valid():
        services.school_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The school's notification settings are saved."))
    return redirect("notifications:delivery_log")
