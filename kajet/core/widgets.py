"""The browser's own date and time pickers.

``<input type="date">`` and ``<input type="time">`` accept only ISO values (``2026-09-01``,
``07:45``); a value in the page's date style (``1.09.2026``) is dropped and the field shows
empty. Every form uses these two widgets, never a bare ``forms.DateInput``.
"""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")
