"""Small display helpers for the grades templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kajet.core.datefmt import short_date
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


@register.simple_tag
def mark_chips(marks: Any, weight_label: str, correction_label: str, new_label: str) -> str:
    """The marks of one subject and term as a list of links coloured by category.

    Built in Python rather than with a template loop: the grades page shows hundreds of
    marks, and each one rendered through template lookups costs more than the page's
    queries together.
    """
    if not marks:
        return mark_safe('<span class="muted">—</span>')
    items = []
    for m in marks:
        grade = m.grade
        column = grade.column
        category = column.category
        classes = "mark"
        if m.is_new:
            classes += " mark-new"
        if not m.counts:
            classes += " mark-nocount"
        if grade.corrects_id:
            classes += " mark-correction"
        shown_weight = weight(m.weight)
        meaning = grade.meaning
        title = f"{category.name} · {weight_label} {shown_weight} · {short_date(column.date)}"
        if meaning:
            title = f"{meaning} · {title}"
        if column.description:
            title += f" · {column.description}"
        hidden = f": {category.name}, {weight_label} {shown_weight}"
        if meaning:
            hidden = f" ({meaning}){hidden}"
        if grade.corrects_id:
            hidden += f", {correction_label}"
        if m.is_new:
            hidden += f", {new_label}"
        items.append(
            format_html(
                '<li><a class="{}" style="--cat: {}" href="{}" hx-get="{}" '
                'hx-target="#mark-detail" title="{}">{}{}<span class="visually-hidden">{}</span>'
                "</a></li>",
                classes,
                category.colour,
                m.url,
                m.url,
                title,
                mark_safe('<span aria-hidden="true">↻</span>') if grade.corrects_id else "",
                grade.shown,
                hidden,
            )
        )
    return format_html('<ul class="marks">{}</ul>', mark_safe("".join(items)))
