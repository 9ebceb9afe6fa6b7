"""One date style in both languages: 4 grudnia 2026, 4.12.2026, 4.12, 14:05 — never 04-12-2026."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, time_format

from kajet.core.datefmt import compact_date, short_date

DAY = datetime.date(2026, 12, 4)
MOMENT = datetime.datetime(2026, 12, 4, 14, 5)


@pytest.mark.parametrize(
    ("language", "fmt", "expected"),
    [
        ("pl", "DATE_FORMAT", "4 grudnia 2026"),
        ("pl", "SHORT_DATE_FORMAT", "4.12.2026"),
        ("pl", "SHORT_DATETIME_FORMAT", "4.12.2026 14:05"),
        ("pl", "DATETIME_FORMAT", "4 grudnia 2026, 14:05"),
        ("pl", "MONTH_DAY_FORMAT", "4 grudnia"),
        ("en", "DATE_FORMAT", "4 December 2026"),
        ("en", "SHORT_DATE_FORMAT", "4.12.2026"),
        ("en", "SHORT_DATETIME_FORMAT", "4.12.2026 14:05"),
        ("en", "DATETIME_FORMAT", "4 December 2026, 14:05"),
        ("en", "MONTH_DAY_FORMAT", "4 December"),
    ],
)
def test_named_formats_follow_the_one_date_style(language: str, fmt: str, expected: str) -> None:
    with translation.override(language):
        value = MOMENT if "DATETIME" in fmt else DAY
        assert date_format(value, fmt) == expected


@pytest.mark.parametrize("language", ["pl", "en"])
def test_times_use_the_24_hour_clock(language: str) -> None:
    with translation.override(language):
        assert time_format(datetime.time(14, 5)) == "14:05"
        assert time_format(datetime.time(8, 0)) == "08:00"


@pytest.mark.parametrize("language", ["pl", "en"])
def test_date_filter_without_a_format_uses_the_long_form(language: str) -> None:
    with translation.override(language):
        rendered = Template("{{ d|date }} {{ d|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"d": DAY})
        )
    assert "04-12-2026" not in rendered
    assert rendered.endswith("4.12.2026")


@pytest.mark.parametrize(
    ("day", "short", "compact"),
    [
        (datetime.date(2026, 12, 4), "4.12.2026", "4.12"),
        (datetime.date(2027, 3, 1), "1.03.2027", "1.03"),
        (datetime.date(2026, 10, 31), "31.10.2026", "31.10"),
    ],
)
@pytest.mark.parametrize("language", ["pl", "en"])
def test_generated_text_uses_the_same_short_dates(
    day: datetime.date, short: str, compact: str, language: str
) -> None:
    with translation.override(language):
        assert short_date(day) == short == date_format(day, "SHORT_DATE_FORMAT")
        assert compact_date(day) == compact
