"""Serializer fields for numbers and ids sent by clients — used by every input serializer.

DRF's IntegerField reads ``int(str(data))``: Unicode digits pass (``"٤"`` is 4) and any size
passes on to the database. ``IdField`` takes ASCII digits within the database's range only
(kajet.core.numbers), and ``IdListField`` refuses the same id twice in one body (it used to
reach the database as an IntegrityError, a 500). ``unique_rows`` does the same for lists of
objects keyed by an id (the same student twice in one grade column or attendance sheet).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kajet.core.numbers import MAX_ID, parse_id


class IdField(serializers.IntegerField):
    default_error_messages = {
        "invalid": _("An id is a whole number written with the digits 0–9."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or parse_id(data) is None:
            if isinstance(data, int) and not isinstance(data, bool):
                return int(super().to_internal_value(data))  # the range message
            self.fail("invalid")
        return int(super().to_internal_value(data))


class IdListField(serializers.ListField):
    """A list of ids, each at most once."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", IdField())
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[int]:
        values = list(super().to_internal_value(data))
        repeated = _first_repeat(values)
        if repeated is not None:
            raise serializers.ValidationError(
                _("The id %(id)s is listed twice.") % {"id": repeated}
            )
        return values


def _first_repeat(values: Iterable[Any]) -> Any:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


def unique_rows(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """``rows`` unchanged, or a 400 naming the first ``key`` value that appears twice."""
    repeated = _first_repeat(row.get(key) for row in rows)
    if repeated is not None:
        raise serializers.ValidationError(
            _("The same %(field)s appears twice: %(id)s.") % {"field": key, "id": repeated}
        )
    return rows
