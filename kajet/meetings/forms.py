from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kajet.core.widgets import DateInput, TimeInput
from kajet.meetings import rules
from kajet.school.models import SchoolClass


class MeetingForm(forms.Form):
    school_class = forms.ModelChoiceField(
        queryset=SchoolClass.objects.none(), label=_("Class"), empty_label=None
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("Time"), widget=TimeInput())
    room = forms.CharField(label=_("Room"), max_length=60, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, classes: QuerySet[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes  # type: ignore[attr-defined]


class SlotsForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("From"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("To"), widget=TimeInput())
    minutes = forms.IntegerField(
        label=_("Minutes per slot"),
        min_value=rules.SLOT_MINUTES[0],
        max_value=rules.SLOT_MINUTES[1],
        initial=10,
    )
    room = forms.CharField(label=_("Room"), max_length=60, required=False)
