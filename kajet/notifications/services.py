"""The notification entry point and the users' and schools' notification settings.

Domain services call ``notify`` inside their transaction; the rows are written when it
commits (nothing is announced for a rolled-back save) and the delivery job is queued then.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record, history_record_many
from kajet.core.mail import send_transactional
from kajet.core.models import School
from kajet.notifications import rules
from kajet.notifications.links import verify_link
from kajet.notifications.models import (
    EmailMode,
    Notification,
    NotificationPreference,
    NotificationProfile,
    PushSubscription,
    SchoolNotificationSettings,
)


def notify(
    *,
    school: School | int,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    url: str = "",
    push_text: str = "",
    urgent: bool = False,
) -> None:
    """Tell each user about one event. When the transaction commits: one bulk INSERT of the
    in-app rows (per 1,000 users) and one queued job that plans e-mail and push.

    ``push_text`` is what a phone's lock screen may show (no marks, no reasons; empty: a
    generic text for the kind). ``urgent`` goes through quiet hours and digests."""
    school_id = school if isinstance(school, int) else school.pk
    ids = sorted(set(user_ids))
    if not ids:
        return

    def write() -> None:
        from kajet.notifications.tasks import enqueue_plan

        rows = Notification.objects.bulk_create(
            [
                Notification(
                    school_id=school_id,
                    user_id=uid,
                    kind=kind,
                    title=title[:200],
                    url=url,
                    push_text=push_text[:200],
                    urgent=urgent,
                )
                for uid in ids
            ],
            batch_size=1000,
        )
        enqueue_plan([row.pk for row in rows if row.pk is not None])

    transaction.on_commit(write)


def notifications_mark_read(*, user_id: int, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return int(qs.update(read_at=timezone.now()))


def _school_of(user: User) -> School:
    school = user.school
    if school is None:  # operators have no school and no notification settings
        raise ValidationError(_("This account belongs to no school."))
    return school


# --- a user's settings ------------------------------------------------------------------------


def profile_for(user: User) -> NotificationProfile:
    """The user's profile (created with the defaults on first use)."""
    profile, _created = NotificationProfile.objects.get_or_create(
        user=user, defaults={"school_id": user.school_id}
    )
    return profile


def preferences_effective(user: User) -> dict[str, tuple[str, bool]]:
    """kind → (e-mail mode, push): the user's choices over the role's defaults."""
    user_kind = user.kind if user.kind in ("guardian", "student") else "staff"
    chosen = {p.kind: (p.email, p.push) for p in NotificationPreference.objects.filter(user=user)}
    return {
        kind: chosen.get(kind, rules.default_preference(user_kind=user_kind, kind=kind))
        for kind in rules.KINDS
    }


def validate_preferences(choices: Mapping[str, Any]) -> dict[str, tuple[str, bool]]:
    """Check a {kind: {"email": mode, "push": bool}} mapping; raise ValidationError naming
    every bad entry (nothing is saved then)."""
    errors: list[str] = []
    clean: dict[str, tuple[str, bool]] = {}
    modes = set(EmailMode.values)
    for kind, choice in choices.items():
        if kind not in rules.KINDS:
            errors.append(_("Unknown kind of notification: %(kind)s.") % {"kind": kind})
            continue
        email = choice.get("email") if isinstance(choice, Mapping) else None
        push = choice.get("push") if isinstance(choice, Mapping) else None
        if email not in modes or not isinstance(push, bool):
            errors.append(_("Choose e-mail and push for %(kind)s.") % {"kind": kind})
            continue
        clean[kind] = (str(email), push)
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def preferences_update(*, actor: User, choices: Mapping[str, Any]) -> None:
    """Save the user's choices per kind (all or nothing)."""
    clean = validate_preferences(choices)
    for kind, (email, push) in clean.items():
        NotificationPreference.objects.update_or_create(
            user=actor,
            kind=kind,
            defaults={"school_id": actor.school_id, "email": email, "push": push},
        )


@transaction.atomic
def profile_update(
    *,
    actor: User,
    language: str,
    quiet_from: datetime.time,
    quiet_until: datetime.time,
    digest_hour: int,
) -> NotificationProfile:
    if not 0 <= digest_hour <= 23:
        raise ValidationError(_("Choose an hour from 0 to 23."))
    profile = profile_for(actor)
    profile.language = language
    profile.quiet_from, profile.quiet_until = quiet_from, quiet_until
    profile.digest_hour = digest_hour
    profile.save()
    return profile


@transaction.atomic
def settings_update(
    *,
    actor: User,
    kinds: Mapping[str, Any] | None = None,
    language: str | None = None,
    quiet_from: datetime.time | None = None,
    quiet_until: datetime.time | None = None,
    digest_hour: int | None = None,
) -> None:
    """Change any of the user's settings at once (the API's PATCH); all or nothing."""
    if kinds:
        preferences_update(actor=actor, choices=kinds)
    profile = profile_for(actor)
    profile_update(
        actor=actor,
        language=language or profile.language,
        quiet_from=quiet_from or profile.quiet_from,
        quiet_until=quiet_until or profile.quiet_until,
        digest_hour=profile.digest_hour if digest_hour is None else digest_hour,
    )


def email_off(*, user_id: int, kind: str = "") -> None:
    """The one-click link: e-mail off for one kind (or every kind), push left as it was."""
    user = User.objects.get(pk=user_id)
    current = preferences_effective(user)
    kinds = [kind] if kind in rules.KINDS else list(rules.KINDS)
    preferences_update(
        actor=user,
        choices={k: {"email": EmailMode.OFF, "push": current[k][1]} for k in kinds},
    )


@transaction.atomic
def email_address_set(*, actor: User, email: str) -> None:
    """Change the user's address and send the confirmation link (nothing else goes to an
    address until it is confirmed)."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid e-mail address.")) from error
    old = actor.email
    if email != old:
        User.objects.filter(pk=actor.pk).update(email=email)
        actor.email = email
        history_record(
            school=_school_of(actor),
            actor=actor,
            code="notifications.email.changed",
            object_type="user",
            object_id=actor.pk,
            old={"email": old},
            new={"email": email},
        )
    email_verification_send(user=actor)


def email_verification_send(*, user: User) -> None:
    profile = profile_for(user)
    send_transactional(
        to=user.email,
        template="notifications/email/verify_address",
        context={"name": user.first_name, "link": verify_link(user_id=user.pk, email=user.email)},
        language=profile.language,
    )


@transaction.atomic
def email_address_confirm(*, user_id: int, email: str) -> bool:
    """Confirm the address the link was sent to, if it is still the user's address."""
    user = User.objects.filter(pk=user_id, email=email).first()
    if user is None or not email:
        return False
    profile = profile_for(user)
    profile.verified_email, profile.email_bounced = email, False
    profile.save(update_fields=["verified_email", "email_bounced"])
    return True


@transaction.atomic
def email_bounce_record(
    *, addresses: Iterable[str], actor: User | None = None, school_id: int | None = None
) -> int:
    """Mark addresses undeliverable: a bounce that came back after the SMTP server had taken
    the message (to the operator, or to the school's mailbox). Their users get no more
    e-mail — nothing else changes — until they confirm an address again. ``school_id``
    limits it to one school (the administrator's form); the operator's command covers every
    school. Returns how many users it stopped; each gets a history entry (no address in it)."""
    wanted = {a.strip().lower() for a in addresses if a.strip()}
    if not wanted:
        return 0
    qs = NotificationProfile.objects.annotate(address=Lower("verified_email")).filter(
        address__in=wanted, email_bounced=False
    )
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    found = list(qs.values_list("pk", "school_id", "user_id"))
    NotificationProfile.objects.filter(pk__in=[pk for pk, _s, _u in found]).update(
        email_bounced=True
    )
    by_school: dict[int, list[int]] = {}
    for _pk, sid, uid in found:
        by_school.setdefault(sid, []).append(uid)
    for sid, user_ids in by_school.items():
        history_record_many(
            school=School(pk=sid),
            actor=actor,
            entries=[
                {
                    "code": "notifications.email.bounced",
                    "object_type": "user",
                    "object_id": uid,
                    "old": {"email_bounced": False},
                    "new": {"email_bounced": True},
                }
                for uid in user_ids
            ],
        )
    return len(found)


# --- the school's settings --------------------------------------------------------------------


def school_settings_for(school_id: int) -> SchoolNotificationSettings:
    found = SchoolNotificationSettings.objects.filter(school_id=school_id).first()
    return found or SchoolNotificationSettings(school_id=school_id)


@transaction.atomic
def school_settings_update(
    *,
    actor: User,
    email_enabled: bool,
    push_enabled: bool,
    student_email_allowed: bool,
    absence_alert_late: bool,
) -> SchoolNotificationSettings:
    current = school_settings_for(int(actor.school_id or 0))
    fields = ("email_enabled", "push_enabled", "student_email_allowed", "absence_alert_late")
    old = {f: getattr(current, f) for f in fields}
    new = {
        "email_enabled": email_enabled,
        "push_enabled": push_enabled,
        "student_email_allowed": student_email_allowed,
        "absence_alert_late": absence_alert_late,
    }
    for name, value in new.items():
        setattr(current, name, value)
    current.save()
    history_record(
        school=_school_of(actor),
        actor=actor,
        code="notifications.school_settings.changed",
        object_type="schoolnotificationsettings",
        object_id=current.pk,
        old=old,
        new=new,
    )
    return current


# --- push subscriptions -----------------------------------------------------------------------


def validate_subscription(data: Mapping[str, Any]) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from a browser's PushSubscription JSON, or ValidationError."""
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        raise ValidationError(_("The push subscription has no valid address."))
    if len(endpoint) > 1000 or not isinstance(keys, Mapping):
        raise ValidationError(_("The push subscription is not valid."))
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not (isinstance(p256dh, str) and isinstance(auth, str) and 40 <= len(p256dh) <= 200):
        raise ValidationError(_("The push subscription's keys are not valid."))
    if not 8 <= len(auth) <= 100:
        raise ValidationError(_("The push subscription's keys are not valid."))
    return endpoint, p256dh, auth


@transaction.atomic
def push_subscription_add(
    *, actor: User, data: Mapping[str, Any], user_agent: str = ""
) -> PushSubscription:
    endpoint, p256dh, auth = validate_subscription(data)
    PushSubscription.objects.filter(endpoint=endpoint).exclude(user=actor).delete()
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "school_id": actor.school_id,
            "user": actor,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": user_agent[:300],
        },
    )
    return subscription


def push_subscription_remove(
    *, actor: User, subscription_id: int | None = None, endpoint: str = ""
) -> int:
    qs = PushSubscription.objects.filter(user=actor)
    if subscription_id is not None:
        qs = qs.filter(pk=subscription_id)
    elif endpoint:
        qs = qs.filter(endpoint=endpoint)
    else:
        return 0
    return int(qs.delete()[0])
