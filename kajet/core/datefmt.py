"""Dates in generated text (messages, notifications, titles, history), in the product's one
date style: ``4.12.2026``, ``4.12`` in compact lists — the same as templates'
``|date:"j.m.Y"`` and ``SHORT_DATE_FORMAT`` — never ``04.12.2026`` or ``2026-12-04``."""

from __future__ import annotations

import datetime

from django.utils import dateformat


def short_date(day: datetime.date) -> str:
    """``4.12.2026``: day without a leading zero, month with one, full year."""
    return dateformat.format(day, "j.m.Y")


def compact_date(day: datetime.date) -> str:
    """``4.12`` for lists within one school year."""
    return dateformat.format(day, "j.m")
