from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kajet.core.fields import ModelMultipleChoiceField
from kajet.core.widgets import DateInput
from kajet.noticeboard.models import Announcement
from kajet.school.models import SchoolClass


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text; line breaks are kept and links become clickable."),
    )
    audience = forms.ChoiceField(label=_("Audience"), widget=forms.RadioSelect)
    classes = ModelMultipleChoiceField(
        label=_("Classes"),
        queryset=SchoolClass.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for the audience “chosen classes”."),
    )
    shown_from = forms.DateField(label=_("Shown from"), widget=DateInput())
    shown_until = forms.DateField(
        label=_("Shown until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to show it until you delete it."),
    )
    pinned = forms.BooleanField(label=_("Pin to the top"), required=False)
    urgent = forms.BooleanField(
        label=_("Urgent"),
        required=False,
        help_text=_(
            "Notifications go out at once by push and e-mail, also in quiet hours and to "
            "those who chose the daily digest. Only for what cannot wait (school closed)."
        ),
    )

    def __init__(
        self, *args: Any, classes: Any, any_audience: bool, may_flag_urgent: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not may_flag_urgent:
            del self.fields["urgent"]
        choices = Announcement.Audience.choices
        if not any_audience:
            choices = [c for c in choices if c[0] == Announcement.Audience.CLASSES]
        audience = self.fields["audience"]
        assert isinstance(audience, forms.ChoiceField)
        audience.choices = choices
        if not any_audience:
            audience.initial = Announcement.Audience.CLASSES
        field = self.fields["classes"]
        assert isinstance(field, ModelMultipleChoiceField)
        field.queryset = classes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("shown_from"), data.get("shown_until")
        if start and end and end < start:
            raise ValidationError(
                {"shown_until": _("The end date cannot be before the start date.")}
            )
        if data.get("audience") == Announcement.Audience.CLASSES and not data.get("classes"):
            raise ValidationError({"classes": _("Choose at least one class.")})
        return data
