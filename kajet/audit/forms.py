"""The principal's filter of the access log (GET)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kajet.accounts.models import User
from kajet.audit.selectors import LogFilter
from kajet.core.widgets import DateInput


class LogFilterForm(forms.Form):
    q = forms.CharField(label=_("Student's name"), max_length=100, required=False)
    pracownik = forms.TypedChoiceField(
        label=_("Staff member"), required=False, coerce=int, empty_value=None
    )
    od = forms.DateField(label=_("From"), required=False, widget=DateInput)
    do = forms.DateField(label=_("To"), required=False, widget=DateInput)
    uczen = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pracownik"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("everyone"))] + [(u.pk, u.sort_name) for u in staff]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("od"), data.get("do")
        if start and end and start > end:
            raise ValidationError(_("The start date is after the end date."))
        return data

    def log_filter(self) -> LogFilter:
        """The filter asked for; an invalid form filters nothing (with its errors shown)."""
        if not self.is_valid():
            return LogFilter()
        data = self.cleaned_data
        return LogFilter(
            student_id=data.get("uczen"),
            viewer_id=data.get("pracownik"),
            student_query=data.get("q") or "",
            start=data.get("od"),
            end=data.get("do"),
        )
