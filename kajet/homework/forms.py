from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kajet.core.widgets import DateInput
from kajet.homework.files import MAX_ATTACHMENTS
from kajet.school.models import Course


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        target = obj.group or obj.school_class
        return f"{obj.subject.name} — {target}"


class HomeworkForm(forms.Form):
    course = CourseChoiceField(queryset=Course.objects.none(), label=_("Course"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    set_on = forms.DateField(label=_("Date set"), widget=DateInput())
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())
    uploads = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to %(count)d files, 5 MB each.") % {"count": MAX_ATTACHMENTS},
    )

    def __init__(self, *args: Any, courses: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = courses
        if editing:
            del self.fields["course"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        set_on, due_on = data.get("set_on"), data.get("due_on")
        if set_on and due_on and due_on < set_on:
            raise ValidationError({"due_on": _("The due date cannot be before the date set.")})
        return data
