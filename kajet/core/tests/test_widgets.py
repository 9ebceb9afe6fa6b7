"""Every date and time field of every form renders a value the browser's picker accepts.

A ``<input type="date">`` with ``value="1.09.2026"`` (the page's date style) shows empty, and
a form whose date defaults to today then refuses to save. This walks all forms of the project.
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django import forms
from django.utils import translation

import kajet
from kajet.core.widgets import DateInput, TimeInput

DAY = datetime.date(2026, 9, 1)
TIME = datetime.time(7, 45)


def all_form_classes() -> Iterator[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(kajet.__path__, "kajet."):
        if module.name.rsplit(".", 1)[-1] == "forms" or ".forms." in module.name:
            importlib.import_module(module.name)
    seen: set[type] = set()
    stack: list[type] = [forms.Form, forms.ModelForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                if sub.__module__.startswith("kajet."):
                    yield sub


def date_and_time_fields() -> list[tuple[str, str, forms.Field]]:
    found = []
    for form_class in all_form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField | forms.TimeField):
                found.append((f"{form_class.__module__}.{form_class.__name__}", name, field))
    return found


FIELDS = date_and_time_fields()


def test_the_walk_finds_the_forms() -> None:
    # grades, homework, timetable, school structure, notifications preferences at least
    modules = {qualname.split(".")[1] for qualname, _name, _field in FIELDS}
    assert {"grades", "homework", "timetable", "school", "notifications"} <= modules


@pytest.mark.parametrize(("form", "name", "field"), FIELDS, ids=[f"{q}.{n}" for q, n, _f in FIELDS])
@pytest.mark.parametrize("language", ["pl", "en"])
def test_pickers_get_iso_values(form: str, name: str, field: forms.Field, language: str) -> None:
    with translation.override(language):
        if isinstance(field, forms.DateField):
            assert isinstance(field.widget, DateInput), f"{form}.{name}: use kajet.core.widgets"
            assert 'value="2026-09-01"' in field.widget.render(name, DAY)
        else:
            assert isinstance(field.widget, TimeInput), f"{form}.{name}: use kajet.core.widgets"
            assert 'value="07:45"' in field.widget.render(name, TIME)


def test_every_multiple_choice_of_rows_reads_ids_the_one_way() -> None:
    from django.forms import ModelMultipleChoiceField as DjangoField

    from kajet.core.fields import ModelMultipleChoiceField

    plain = [
        f"{form_class.__module__}.{form_class.__name__}.{name}"
        for form_class in all_form_classes()
        for name, field in form_class.base_fields.items()
        if isinstance(field, DjangoField) and not isinstance(field, ModelMultipleChoiceField)
    ]
    assert not plain, f"use kajet.core.fields.ModelMultipleChoiceField: {plain}"
