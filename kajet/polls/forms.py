from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kajet.core.widgets import DateInput
from kajet.polls import rules
from kajet.polls.models import Audience, Families, PollQuestion, QuestionKind
from kajet.school.models import ClassGroup, SchoolClass

#: Question slots on the form (no script needed to add one; empty slots are ignored).
QUESTION_SLOTS = 5


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.school_class.name} — {obj.name}"


class PollCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audience = forms.ChoiceField(label=_("Who is asked"), choices=())
    school_class = forms.ModelChoiceField(
        queryset=SchoolClass.objects.none(), required=False, label=_("Class")
    )
    group = GroupChoiceField(queryset=ClassGroup.objects.none(), required=False, label=_("Group"))
    families = forms.ChoiceField(
        label=_("In the class or group, ask"),
        choices=Families.choices,
        initial=Families.GUARDIANS,
        widget=forms.RadioSelect,
        required=False,
    )
    deadline = forms.DateField(label=_("Answers until (inclusive)"), widget=DateInput())
    anonymous = forms.BooleanField(
        label=_("Anonymous (answers cannot be linked to people and cannot be changed)"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        audiences: list[str],
        classes: QuerySet[SchoolClass],
        groups: QuerySet[ClassGroup],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial", {"deadline": timezone.localdate() + datetime.timedelta(days=7)}
        )
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Audience.choices if value in audiences
        ]
        self.fields["school_class"].queryset = classes  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        for i in range(1, QUESTION_SLOTS + 1):
            self.fields[f"q{i}_text"] = forms.CharField(
                label=_("Question %(n)d") % {"n": i}, max_length=300, required=False
            )
            self.fields[f"q{i}_kind"] = forms.ChoiceField(
                label=_("Kind of question %(n)d") % {"n": i},
                choices=QuestionKind.choices,
                initial=QuestionKind.SINGLE,
            )
            self.fields[f"q{i}_options"] = forms.CharField(
                label=_("Options of question %(n)d (one per line)") % {"n": i},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def header_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("title", "description", "audience", "school_class", "group")]

    def question_slots(
        self,
    ) -> list[tuple[int, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (i, self[f"q{i}_text"], self[f"q{i}_kind"], self[f"q{i}_options"])
            for i in range(1, QUESTION_SLOTS + 1)
        ]

    def questions(self) -> list[rules.QuestionDraft]:
        """The filled-in question slots (a slot with options but no text counts: the rules
        then say the text is missing)."""
        drafts = []
        for i in range(1, QUESTION_SLOTS + 1):
            text = self.cleaned_data.get(f"q{i}_text", "")
            options = tuple(
                line.strip()
                for line in self.cleaned_data.get(f"q{i}_options", "").splitlines()
                if line.strip()
            )
            if text.strip() or options:
                drafts.append(
                    rules.QuestionDraft(
                        text=text, kind=self.cleaned_data.get(f"q{i}_kind", ""), options=options
                    )
                )
        return drafts


class PollAnswerForm(forms.Form):
    """One field per question: ``q<id>``."""

    def __init__(
        self,
        *args: Any,
        questions: list[PollQuestion],
        disabled: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            choices = [(o.pk, o.text) for o in q.options.all()]
            field: forms.Field
            if q.kind == QuestionKind.SINGLE:
                field = forms.TypedChoiceField(
                    choices=choices, coerce=int, widget=forms.RadioSelect, required=True
                )
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, required=True
                )
            else:
                field = forms.CharField(max_length=rules.MAX_TEXT_ANSWER, required=False)
            field.label = q.text
            field.disabled = disabled
            self.fields[f"q{q.pk}"] = field

    def chosen(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for q in self.questions:
            value = self.cleaned_data.get(f"q{q.pk}")
            if q.kind == QuestionKind.SINGLE and value is not None and value != "":
                found[q.pk] = [int(value)]
            elif q.kind == QuestionKind.MULTIPLE and value:
                found[q.pk] = [int(v) for v in value]
        return found

    def texts(self) -> dict[int, str]:
        return {
            q.pk: self.cleaned_data.get(f"q{q.pk}") or ""
            for q in self.questions
            if q.kind == QuestionKind.TEXT
        }
