from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kajet.core.widgets import TimeInput
from kajet.notifications import rules
from kajet.notifications.models import EmailMode, Notification


class ProfileForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)
    quiet_from = forms.TimeField(label=_("Quiet hours from"), widget=TimeInput())
    quiet_until = forms.TimeField(label=_("until"), widget=TimeInput())
    digest_hour = forms.TypedChoiceField(
        label=_("Daily digest at"),
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
    )


def preference_fields(initial: dict[str, tuple[str, bool]]) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    labels = dict(Notification.Kind.choices)
    for kind in rules.KINDS:
        email, push = initial[kind]
        fields[f"email_{kind}"] = forms.ChoiceField(
            label=labels[kind], choices=EmailMode.choices, initial=email
        )
        fields[f"push_{kind}"] = forms.BooleanField(
            label=labels[kind], required=False, initial=push
        )
    return fields


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, tuple[str, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(preference_fields(current))

    def rows(self) -> list[tuple[str, Any, Any]]:
        labels = dict(Notification.Kind.choices)
        return [(str(labels[k]), self[f"email_{k}"], self[f"push_{k}"]) for k in rules.KINDS]

    def choices(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {k: {"email": data[f"email_{k}"], "push": data[f"push_{k}"]} for k in rules.KINDS}


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class BounceForm(forms.Form):
    email = forms.EmailField(
        label=_("Undeliverable address"),
        max_length=254,
        help_text=_(
            "When a notification e-mail comes back to the school's mailbox as undeliverable, "
            "enter its address: Kajet stops e-mailing it until its owner confirms an address "
            "again."
        ),
    )


class SchoolSettingsForm(forms.Form):
    email_enabled = forms.BooleanField(label=_("Send e-mail notifications"), required=False)
    push_enabled = forms.BooleanField(label=_("Send push notifications"), required=False)
    student_email_allowed = forms.BooleanField(label=_("E-mail to students too"), required=False)
    absence_alert_late = forms.BooleanField(
        label=_("Absence alerts also for lateness"), required=False
    )


def time_or(value: Any, default: datetime.time) -> datetime.time:
    return value if isinstance(value, datetime.time) else default
