"""Small filters for the printouts."""

from __future__ import annotations

from django import template

from kajet.grades.models import Grade

register = template.Library()


@register.filter
def grade_text(grade: Grade | None) -> str:
    """A term or annual grade as printed: the mark, or the descriptive grade; "—" if none."""
    if grade is None:
        return "—"
    return grade.text or grade.descriptive or "—"
