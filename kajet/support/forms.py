from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kajet.core.widgets import DateInput
from kajet.support.services import MAX_LENGTH


class NoteForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(
        label=_("Note"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Seen only by you and the principal."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("First name or surname"), required=False, max_length=100)
