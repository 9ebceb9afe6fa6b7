"""The calendar-item registry (pure): providers are asked for the range, their items come
back by date and time, a name registers once, an empty range asks no one."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kajet.timetable import calendar_items
from kajet.timetable.calendar_items import CalendarItem, calendar_items_for, items_by_day

DAY = datetime.date(2026, 12, 7)


def _item(day: datetime.date, at: datetime.time | None, title: str) -> CalendarItem:
    return CalendarItem("meeting", "zebranie", day, at, None, title, "", "/zebrania/1/")


@pytest.fixture
def registry(monkeypatch: Any) -> dict[str, Any]:
    providers: dict[str, Any] = {}
    monkeypatch.setattr(calendar_items, "_PROVIDERS", providers)
    return providers


def test_items_of_every_provider_by_date_and_time(registry: dict[str, Any]) -> None:
    asked: list[tuple[Any, datetime.date, datetime.date]] = []

    def first(user: Any, start: datetime.date, end: datetime.date) -> list[CalendarItem]:
        asked.append((user, start, end))
        return [_item(DAY, datetime.time(17), "B"), _item(DAY + datetime.timedelta(1), None, "C")]

    def second(user: Any, start: datetime.date, end: datetime.date) -> list[CalendarItem]:
        return [_item(DAY, None, "A"), _item(DAY, datetime.time(16), "D")]

    calendar_items.register("b.first", first)
    calendar_items.register("a.second", second)
    items = calendar_items_for("viewer", DAY, DAY + datetime.timedelta(days=6))  # type: ignore[arg-type]
    assert [i.title for i in items] == ["A", "D", "B", "C"]
    assert asked == [("viewer", DAY, DAY + datetime.timedelta(days=6))]


def test_a_name_registers_once(registry: dict[str, Any]) -> None:
    calendar_items.register("x", lambda u, s, e: [_item(DAY, None, "old")])
    calendar_items.register("x", lambda u, s, e: [_item(DAY, None, "new")])
    assert [i.title for i in calendar_items_for(None, DAY, DAY)] == ["new"]  # type: ignore[arg-type]


def test_an_empty_range_asks_no_one(registry: dict[str, Any]) -> None:
    def fail(user: Any, start: datetime.date, end: datetime.date) -> list[CalendarItem]:
        raise AssertionError("asked")

    calendar_items.register("x", fail)
    assert calendar_items_for(None, DAY, DAY - datetime.timedelta(days=1)) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("item_day", "expected"),
    [
        (DAY, {DAY: ["m"], DAY + datetime.timedelta(1): []}),
        (DAY - datetime.timedelta(1), {DAY: [], DAY + datetime.timedelta(1): []}),
    ],
)
def test_items_by_day(item_day: datetime.date, expected: dict[datetime.date, list[str]]) -> None:
    found = items_by_day([_item(item_day, None, "m")], [DAY, DAY + datetime.timedelta(1)])
    assert {d: [i.title for i in items] for d, items in found.items()} == expected


def test_an_item_is_one_day_long_for_the_agenda() -> None:
    item = _item(DAY, None, "m")
    assert item.starts_on == item.ends_on == DAY and item.is_item
