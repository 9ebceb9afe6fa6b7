"""The month as a list for a phone: one card per day of one-day events, one card per longer
event with its whole range (pure rules, table-driven)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from kajet.timetable.agenda import month_agenda


def D(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def ev(title: str, start: str, end: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(title=title, starts_on=D(start), ends_on=D(end or start))


DEC_1, DEC_31 = D("2026-12-01"), D("2026-12-31")


@pytest.mark.parametrize(
    ("events", "cards"),
    [
        # A ten-day break is one card with its range, not one card per day.
        ([ev("break", "2026-12-22", "2026-12-31")], [("2026-12-22", "2026-12-31", ["break"])]),
        # One-day events of one day share a card; days are in order.
        (
            [ev("quiz", "2026-12-15"), ev("meeting", "2026-12-02"), ev("test", "2026-12-15")],
            [
                ("2026-12-02", "2026-12-02", ["meeting"]),
                ("2026-12-15", "2026-12-15", ["quiz", "test"]),
            ],
        ),
        # A break over the new year keeps its whole range and comes first in January.
        (
            [ev("quiz", "2026-12-01"), ev("break", "2026-11-28", "2027-01-03")],
            [
                ("2026-12-01", "2026-12-01", ["quiz"]),
                ("2026-11-28", "2027-01-03", ["break"]),
            ],
        ),
        # On the same day the day's card comes before a range starting then.
        (
            [ev("trip", "2026-12-09", "2026-12-11"), ev("assembly", "2026-12-09")],
            [
                ("2026-12-09", "2026-12-09", ["assembly"]),
                ("2026-12-09", "2026-12-11", ["trip"]),
            ],
        ),
        # Events outside the month (the grid's neighbouring days) are left out.
        ([ev("old", "2026-11-30"), ev("new", "2027-01-01", "2027-01-02")], []),
        ([], []),
    ],
)
def test_month_agenda(
    events: list[SimpleNamespace], cards: list[tuple[str, str, list[str]]]
) -> None:
    got = month_agenda(events, DEC_1, DEC_31, today=D("2026-12-05"))
    assert [
        (c.starts_on.isoformat(), c.ends_on.isoformat(), [e.title for e in c.events]) for c in got
    ] == cards
    assert all(c.is_range == (c.starts_on != c.ends_on) for c in got)


@pytest.mark.parametrize(
    ("today", "marked"),
    [("2026-12-22", True), ("2026-12-27", True), ("2026-12-31", True), ("2026-12-21", False)],
)
def test_a_range_card_is_today_on_any_of_its_days(today: str, marked: bool) -> None:
    (card,) = month_agenda([ev("break", "2026-12-22", "2026-12-31")], DEC_1, DEC_31, D(today))
    assert card.is_today is marked
