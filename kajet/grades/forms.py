"""Forms of the grades pages. The grid's cells are read straight from POST (one input per
student, ``mark-<id>`` and ``comment-<id>``) and validated by the service, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kajet.core.widgets import DateInput
from kajet.grades.models import GradeCategory, GradingPolicy, MarkScale
from kajet.school.models import Subject


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(name)s (weight %(weight)s)") % {
            "name": obj.name,
            "weight": obj.weight.normalize(),
        }


class ColumnForm(forms.Form):
    category = CategoryChoiceField(
        queryset=GradeCategory.objects.none(), label=_("Category"), empty_label=None
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    weight = forms.DecimalField(
        label=_("Weight"),
        required=False,
        min_value=Decimal(0),
        max_digits=4,
        decimal_places=2,
        help_text=_("Leave empty to use the category's weight."),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = GradeCategory.objects.filter(is_active=True)


class MarkEditForm(forms.Form):
    # Up to a text scale's comment; the column's scale decides what is valid (the service).
    text = forms.CharField(label=_("Mark"), max_length=500)
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CorrectForm(forms.Form):
    text = forms.CharField(label=_("Correction"), max_length=500)
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


class DeleteForm(forms.Form):
    reason = forms.CharField(label=_("Reason for deletion"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PolicyForm(forms.ModelForm):
    valueless_text = forms.CharField(
        label=_("Marks without a value"),
        help_text=_("Separated by commas, e.g. np, bz, +, -. They never count toward an average."),
        required=False,
    )

    class Meta:
        model = GradingPolicy
        fields = [
            "plus_value",
            "minus_value",
            "correction_rule",
            "threshold_6",
            "threshold_5",
            "threshold_4",
            "threshold_3",
            "threshold_2",
            "show_averages_to_family",
            "descriptive_up_to_level",
        ]

    def clean_valueless_text(self) -> list[str]:
        raw = self.cleaned_data.get("valueless_text") or ""
        items = [item.strip() for item in raw.split(",") if item.strip()]
        for item in items:
            if item.strip("+-").isdigit():
                raise forms.ValidationError(
                    _("“%(item)s” looks like a mark with a value.") % {"item": item}
                )
            if len(item) > 10:
                raise forms.ValidationError(_("A mark is at most 10 characters long."))
        return items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = [data.get(f"threshold_{g}") for g in (6, 5, 4, 3, 2)]
        present = [v for v in values if v is not None]
        if len(present) == len(values) and present != sorted(present, reverse=True):
            raise forms.ValidationError(
                _("Each threshold must be below the one for a higher grade.")
            )
        return data


class CategoryForm(forms.ModelForm):
    class Meta:
        model = GradeCategory
        fields = ["name", "weight", "counts_toward_average", "colour", "position", "is_active"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


class ScaleForm(forms.Form):
    """A scale as the administrator types it; the symbols and thresholds are read and
    checked by ``mark_scales`` (the view turns them into a ``Scale``)."""

    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=MarkScale.Kind.choices)
    symbols = forms.CharField(
        label=_("Symbols"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "One a line: symbol = meaning, or symbol = meaning = value to count it in "
            "averages, e.g. W = wspaniale = 6."
        ),
    )
    thresholds = forms.CharField(
        label=_("Points → grade thresholds"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One a line: percentage = grade, e.g. 50 = 3. Without thresholds points have "
            "no value and do not count toward averages."
        ),
    )


class AssignmentForm(forms.Form):
    scale = forms.ModelChoiceField(
        label=_("Scale"), queryset=MarkScale.objects.none(), empty_label=None
    )
    level = forms.IntegerField(
        label=_("Class level"),
        required=False,
        min_value=1,
        max_value=8,
        help_text=_("Empty: every level."),
    )
    subject = forms.ModelChoiceField(
        label=_("Subject"),
        queryset=Subject.objects.none(),
        required=False,
        empty_label=_("every subject"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scale = self.fields["scale"]
        subject = self.fields["subject"]
        assert isinstance(scale, forms.ModelChoiceField)
        assert isinstance(subject, forms.ModelChoiceField)
        scale.queryset = MarkScale.objects.all()
        subject.queryset = Subject.objects.order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("level") is None and data.get("subject") is None and not self.errors:
            raise forms.ValidationError(_("Choose a class level, a subject or both."))
        return data
