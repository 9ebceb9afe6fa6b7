"""Widgets and fields the school's forms share."""

from __future__ import annotations

from typing import Any

from django import forms

from kajet.core.widgets import DateInput, TimeInput

DATE_INPUT = DateInput()


TIME_INPUT = TimeInput()


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.year.name})" if not obj.year.is_current else obj.name
