"""The principal's filter of the history of changes (GET)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kajet.core.widgets import DateInput
from kajet.records.history import kinds
from kajet.records.history.selectors import HistoryFilter

#: The fields that name an object by id: an id that is not one of the school's is a 404.
ID_FIELDS = ("klasa", "uczen", "przedmiot", "autor")


def _id_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None)


class HistoryFilterForm(forms.Form):
    klasa = _id_field(_("Class"))
    uczen = _id_field(_("Student"))
    przedmiot = _id_field(_("Subject"))
    autor = _id_field(_("Changed by"))
    rodzaj = forms.ChoiceField(label=_("Kind of change"), required=False)
    od = forms.DateField(label=_("From"), required=False, widget=DateInput)
    do = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args: Any, choices: dict[str, list[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._objects: dict[str, dict[int, Any]] = {
            "klasa": {c.pk: c for c in choices["classes"]},
            "uczen": {s.pk: s for s in choices["students"]},
            "przedmiot": {s.pk: s for s in choices["subjects"]},
            "autor": {u.pk: u for u in choices["authors"]},
        }
        labels = {
            "klasa": lambda c: c.name,
            "uczen": lambda s: f"{s.user.sort_name} ({s.school_class.name})",
            "przedmiot": lambda s: s.name,
            "autor": lambda u: u.sort_name,
        }
        choices_empty = {
            "klasa": _("all classes"),
            "uczen": _("all students"),
            "przedmiot": _("all subjects"),
            "autor": _("everyone"),
        }
        for name, objects in self._objects.items():
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", choices_empty[name])] + [
                (pk, labels[name](obj)) for pk, obj in objects.items()
            ]
        kind = self.fields["rodzaj"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("every kind"))] + [
            (key, label) for key, label in kinds.KIND_LABELS.items()
        ]

    def foreign_id(self) -> bool:
        """True when an id field names something that is not the school's (or not at all)."""
        return any(name in self.errors for name in ID_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("od"), data.get("do")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def history_filter(self) -> HistoryFilter:
        """The filter asked for (call on a valid form)."""
        data = self.cleaned_data

        def obj(name: str) -> Any:
            pk = data.get(name)
            return self._objects[name].get(pk) if pk is not None else None

        return HistoryFilter(
            school_class=obj("klasa"),
            student=obj("uczen"),
            subject=obj("przedmiot"),
            author=obj("autor"),
            kind=data.get("rodzaj") or "",
            start=data.get("od"),
            end=data.get("do"),
        )
