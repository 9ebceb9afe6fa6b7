"""Form fields that read ids the one way (``kajet.core.numbers.parse_id``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kajet.core.numbers import parse_id


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing a value that is not an id before the ``pk__in`` query runs: a
    40-digit number there overflows the database's integer (500 on SQLite and PostgreSQL)."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None and not isinstance(value, str):
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)  # type: ignore[misc]  # not in django-stubs
