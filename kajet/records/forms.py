"""The printouts' choices: a date range, a period (term I, II or the school year)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kajet.core.widgets import DateInput

#: A register for more than a year at once is a mistake (and a very long job).
MAX_DAYS = 366


class RangeForm(forms.Form):
    od = forms.DateField(label=_("From"), widget=DateInput())
    do = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("od"), data.get("do")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date):
            if end < start:
                raise forms.ValidationError(_("The end of the range is before its start."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose a range of at most one year."))
        return data


PERIOD_CHOICES = [("1", _("Term I")), ("2", _("Term II")), ("rok", _("School year"))]


class PeriodForm(forms.Form):
    okres = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial="rok")
