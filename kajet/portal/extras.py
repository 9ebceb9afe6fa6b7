"""The extras plan with a trial, as the seed describes the incumbents' mobile add-ons — off
by default (Kajet ships every extra free).

An operator who needs it defines a plan (``manage.py portal_extras``): which features are
extras, the trial's length and how many days before its end the "trial ends" e-mail goes.
With a plan on, an account activated from then on gets the trial; the e-mail names the day the
basic version comes back and links to the activation page; on that day the extras stop for
the account's family logins; a code the operator issued (``manage.py portal_extras --codes``)
turns them on for good. Accounts activated before the plan keep their extras.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from kajet.accounts.models import User
from kajet.core.mail import send_transactional
from kajet.portal import rules
from kajet.portal.models import ExtrasCode, ExtrasPlan, LoginLink, PortalAccount

log = logging.getLogger("kajet.portal")
#: Letters and digits that cannot be mistaken for one another when typed from a letter.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ExtrasError(Exception):
    """A refusal with a message for the user (already translated)."""


# --- the operator's plan and codes --------------------------------------------------------------


def extras_plan_current() -> ExtrasPlan | None:
    """The plan in force, or None (every extra free)."""
    plan = ExtrasPlan.objects.order_by("-created_at", "-id").first()
    return plan if plan is not None and plan.active else None


@transaction.atomic
def extras_plan_set(*, features: Iterable[str], trial_days: int, warn_days: int) -> ExtrasPlan:
    chosen = sorted(set(features))
    unknown = [f for f in chosen if f not in ExtrasPlan.FEATURES]
    if unknown or not chosen:
        raise ExtrasError(f"features must be among {sorted(ExtrasPlan.FEATURES)}: {unknown}")
    if trial_days < 1 or not 0 <= warn_days < trial_days:
        raise ExtrasError("the trial needs at least a day, and the warning must fall within it")
    plan = ExtrasPlan.objects.create(features=chosen, trial_days=trial_days, warn_days=warn_days)
    log.info("portal: extras plan %s on (%s, %d days)", plan.pk, chosen, trial_days)
    return plan


@transaction.atomic
def extras_plan_off() -> None:
    """End the plan: every extra free again for everyone."""
    current = extras_plan_current()
    if current is not None:
        ExtrasPlan.objects.create(
            features=current.features,
            trial_days=current.trial_days,
            warn_days=current.warn_days,
            active=False,
        )
        log.info("portal: extras plan off")


def _code_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


@transaction.atomic
def extras_codes_issue(*, count: int) -> list[str]:
    """New single-use activation codes (shown once; only their hashes are kept)."""
    codes = [
        "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _part in range(4))
        for _ in range(count)
    ]
    ExtrasCode.objects.bulk_create([ExtrasCode(code_hash=_code_hash(c)) for c in codes])
    return codes


# --- one account ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extras:
    """What an account's page shows; ``shown`` is False without a plan."""

    state: str
    trial_ends_on: datetime.date | None
    features: tuple[str, ...]

    @property
    def on(self) -> bool:
        return self.state in rules.EXTRAS_ON

    @property
    def shown(self) -> bool:
        return bool(self.features)

    def feature_names(self) -> list[str]:
        return [str(ExtrasPlan.FEATURES[f]) for f in self.features if f in ExtrasPlan.FEATURES]


def extras_for_account(account: PortalAccount, *, today: datetime.date | None = None) -> Extras:
    plan = extras_plan_current()
    state = rules.extras_state(
        plan_on=plan is not None,
        trial_ends_on=account.trial_ends_on,
        activated=account.extras_activated_at is not None,
        today=today or timezone.localdate(),
    )
    return Extras(state, account.trial_ends_on, tuple(plan.features) if plan else ())


def extras_trial_start(account: PortalAccount) -> None:
    """At activation, with a plan on: the trial ends ``trial_days`` from today."""
    plan = extras_plan_current()
    if plan is None or account.trial_ends_on is not None:
        return
    account.trial_ends_on = timezone.localdate() + datetime.timedelta(days=plan.trial_days)
    PortalAccount.objects.filter(pk=account.pk).update(trial_ends_on=account.trial_ends_on)


@transaction.atomic
def extras_activate(*, account: PortalAccount, code: str) -> None:
    """Turn the extras on for good with an unused code (a used or unknown one changes
    nothing)."""
    if extras_plan_current() is None:
        raise ExtrasError(gettext("Every extra is free: there is nothing to activate."))
    if account.extras_activated_at is not None:
        raise ExtrasError(gettext("The extras of this account are already activated."))
    now = timezone.now()
    taken = ExtrasCode.objects.filter(code_hash=_code_hash(code), used_by__isnull=True).update(
        used_by=account, used_at=now
    )
    if not taken:
        raise ExtrasError(gettext("This activation code is not valid or has been used."))
    account.extras_activated_at = now
    PortalAccount.objects.filter(pk=account.pk).update(extras_activated_at=now)
    log.info("portal: extras activated for account %s", account.pk)


# --- the scheduled e-mail -------------------------------------------------------------------------


def extras_trial_warnings_send(*, today: datetime.date | None = None) -> int:
    """E-mail every account whose trial ends within the plan's warning days (once each):
    the day the basic version comes back and the link to activate. Returns how many."""
    plan = extras_plan_current()
    if plan is None:
        return 0
    today = today or timezone.localdate()
    candidates = PortalAccount.objects.filter(
        activated_at__isnull=False,
        extras_activated_at__isnull=True,
        trial_warned_at__isnull=True,
        trial_ends_on__gt=today,
        trial_ends_on__lte=today + datetime.timedelta(days=plan.warn_days),
    )
    sent = 0
    link = settings.KAJET_BASE_URL.rstrip("/") + reverse("portal:extras")
    for account in candidates:
        assert rules.trial_warning_due(
            today=today,
            trial_ends_on=account.trial_ends_on,
            warn_days=plan.warn_days,
            warned=False,
        )
        with transaction.atomic():
            # Claimed first: two runs at once send it once.
            claimed = PortalAccount.objects.filter(
                pk=account.pk, trial_warned_at__isnull=True
            ).update(trial_warned_at=timezone.now())
            if not claimed:
                continue
            send_transactional(
                to=account.email,
                template="portal/email/extras_trial_ending",
                context={
                    "ends_on": account.trial_ends_on,
                    "features": ", ".join(str(ExtrasPlan.FEATURES[f]) for f in plan.features),
                    "link": link,
                },
                language=account.language,
            )
        sent += 1
    log.info("portal: %d trial-ending e-mails", sent)
    return sent


# --- what the extras switch off ---------------------------------------------------------------


def users_without_extra(feature: str, user_ids: Iterable[int]) -> set[int]:
    """The family logins among ``user_ids`` that may not use ``feature`` now: with a plan that
    makes it an extra, a guardian's or student's login gets it only through a Kajet account
    whose extras are on. Staff are never affected. Three queries at most, for any number."""
    plan = extras_plan_current()
    if plan is None or feature not in plan.features:
        return set()
    family = set(
        User.objects.filter(
            pk__in=list(user_ids), kind__in=[User.Kind.GUARDIAN, User.Kind.STUDENT]
        ).values_list("pk", flat=True)
    )
    today = timezone.localdate()
    allowed = {
        link.user_id
        for link in LoginLink.objects.filter(user_id__in=family).select_related("account")
        if rules.extras_state(
            plan_on=True,
            trial_ends_on=link.account.trial_ends_on,
            activated=link.account.extras_activated_at is not None,
            today=today,
        )
        in rules.EXTRAS_ON
    }
    return family - allowed


def extra_missing_for(user: User, feature: str) -> Extras | None:
    """Why ``feature`` is off for this login (its account's extras), or None if it is on."""
    if user.pk not in users_without_extra(feature, [user.pk]):
        return None
    link = LoginLink.objects.filter(user=user).select_related("account").first()
    if link is None:
        return Extras(rules.ENDED, None, tuple(extras_plan_features()))
    return extras_for_account(link.account)


def extras_plan_features() -> list[str]:
    plan = extras_plan_current()
    return list(plan.features) if plan else []
