"""Forms of the administrator's attendance settings. They only parse the input; the rules
(ranges, unique codes, colours, kinds) are the services' (``kajet.attendance.policy``), whose
ValidationError is shown on the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kajet.attendance.models import KIND_CHOICES
from kajet.attendance.policy import CODE_MAX, DEADLINE_RANGE, NAME_MAX, THRESHOLD_RANGE


class PolicyForm(forms.Form):
    threshold_percent = forms.IntegerField(
        label=_("Attendance threshold (%)"),
        min_value=THRESHOLD_RANGE[0],
        max_value=THRESHOLD_RANGE[1],
        help_text=_(
            "A student under this attendance in a subject may not be classified. Families see "
            "how many more lessons can be missed. 0 turns the count off."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    excuse_deadline_days = forms.IntegerField(
        label=_("Days to excuse an absence"),
        min_value=DEADLINE_RANGE[0],
        max_value=DEADLINE_RANGE[1],
        help_text=_("An excuse can be sent up to this many days after the absence."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    adult_self_excuse = forms.BooleanField(
        label=_("Adult students (18+) may excuse their own absences"), required=False
    )


class TypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    code = forms.CharField(
        label=_("Short code"),
        max_length=CODE_MAX,
        help_text=_("Shown on the attendance sheet, at most 4 characters, e.g. “wy”."),
    )
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("The code is written in black or white, whichever is easier to read."),
    )
    kind = forms.ChoiceField(
        label=_("Counts as"),
        choices=KIND_CHOICES,
        help_text=_("Statistics count the type as this standard type."),
    )
