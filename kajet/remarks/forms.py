from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kajet.attendance.models import Lesson
from kajet.core.datefmt import compact_date
from kajet.core.fields import ModelMultipleChoiceField
from kajet.core.widgets import DateInput
from kajet.remarks.models import Kind, RemarkCategory
from kajet.school.models import Student

KIND_CHOICES = [("", _("as the category says")), *Kind.choices]


class StudentChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.class_number or ''}. {obj.user.last_name} {obj.user.first_name}".lstrip(". ")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.points:
            return f"{obj.name} ({obj.points:+d})"
        return str(obj.name)


class LessonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        topic = f" — {obj.topic}" if obj.topic else ""
        return f"{compact_date(obj.date)} {obj.period.number}. {obj.course.subject.name}{topic}"


class RemarkFields(forms.Form):
    category = CategoryChoiceField(queryset=RemarkCategory.objects.none(), label=_("Category"))
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False, label=_("Kind"))
    text = forms.CharField(label=_("Remark"), widget=forms.Textarea(attrs={"rows": 4}))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    visible_to_student = forms.BooleanField(
        label=_("The student sees it too (otherwise only the family)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, categories: QuerySet[RemarkCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]

    def kind_value(self) -> str:
        """The chosen kind, or the category's usual kind."""
        kind: str = self.cleaned_data.get("kind") or ""
        return kind or str(self.cleaned_data["category"].kind)


class RemarkAddForm(RemarkFields):
    students = StudentChoiceField(
        queryset=Student.objects.none(),
        label=_("Students"),
        widget=forms.CheckboxSelectMultiple,
    )
    lesson = LessonChoiceField(
        queryset=Lesson.objects.none(), required=False, label=_("Lesson (if any)")
    )

    field_order = ["students", "category", "kind", "text", "date", "lesson", "visible_to_student"]

    def __init__(
        self,
        *args: Any,
        students: QuerySet[Student],
        lessons: QuerySet[Lesson],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students  # type: ignore[attr-defined]
        self.fields["lesson"].queryset = lessons  # type: ignore[attr-defined]


class RemarkRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for removing"), max_length=300)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(choices=Kind.choices, label=_("Usual kind"))
    points = forms.IntegerField(
        label=_("Behaviour points"),
        initial=0,
        min_value=-100,
        max_value=100,
        help_text=_("Added to the student's total (negative: taken away); 0 if unused."),
    )
    order = forms.IntegerField(label=_("Order"), initial=0, min_value=0, max_value=999)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
