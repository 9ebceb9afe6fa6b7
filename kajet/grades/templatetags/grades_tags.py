"""Small display helpers for the grades templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from kajet.grades.scale import BEHAVIOUR_WORDS, GRADE_WORDS

register = template.Library()


@register.filter
def grade_word(value: Any) -> str:
    """A whole grade (1–6) in words."""
    try:
        return str(GRADE_WORDS.get(int(value), ""))
    except (TypeError, ValueError):
        return ""


@register.filter
def behaviour_word(value: Any) -> str:
    try:
        return str(BEHAVIOUR_WORDS.get(int(value), ""))
    except (TypeError, ValueError):
        return ""


@register.filter
def weight(value: Decimal | None) -> str:
    """A weight without trailing zeros (3, 1.5)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


@register.filter
def at(items: Any, index: int) -> Any:
    """``items|at:i`` — the i-th item of a list (None when out of range)."""
    try:
        return items[int(index)]
    except (IndexError, TypeError, ValueError, KeyError):
        return None


@register.filter
def history_text(values: Any) -> str:
    """What a history entry's old/new values show: the mark, or a descriptive grade."""
    if not isinstance(values, dict):
        return ""
    text = values.get("text") or values.get("descriptive") or ""
    return str(text)
