"""Calendar items that other apps add to the calendar (Terminarz), the home page and the API.

The calendar's own events (tests, trips, days off) live in this app. Things that belong to a
higher app but have a date and a time for someone — a parent meeting of a class, a booked
consultation — come through this registry, so ``timetable`` never imports those apps: each
registers a *provider* in its ``AppConfig.ready`` (``register("meetings.meetings", fn)``).

A provider is ``fn(viewer, start, end) -> list[CalendarItem]``: the items between ``start``
and ``end`` (both included) that ``viewer`` may see, inside the viewer's school scope, read in
a fixed number of queries whatever the data (none at all when the viewer's roles have nothing
of it), so the pages that show them keep a constant query count. An item is plain data
(picklable: the home page keeps it in its cache), with its texts already translated.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from kajet.accounts.models import User


@dataclass(frozen=True)
class CalendarItem:
    """One thing in someone's calendar from another app."""

    #: A stable code for clients and styles: ``meeting``, ``consultation``.
    kind: str
    #: The kind as the viewer reads it (translated when the provider ran).
    kind_label: str
    date: datetime.date
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    title: str
    place: str
    #: The page where the viewer sees or manages it (a path of this site).
    url: str

    #: Templates that list events and items together tell them apart by this.
    is_item: ClassVar[bool] = True

    # The names the calendar's events use, so the month agenda and the merged lists can sort
    # and place events and items alike (an item is one day long).
    @property
    def starts_on(self) -> datetime.date:
        return self.date

    @property
    def ends_on(self) -> datetime.date:
        return self.date


Provider = Callable[["User", datetime.date, datetime.date], list[CalendarItem]]

_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or, under the same name, replace) a provider; called from ``AppConfig.ready``."""
    _PROVIDERS[name] = provider


def provider_names() -> list[str]:
    return sorted(_PROVIDERS)


def sort_key(item: CalendarItem) -> tuple[datetime.date, datetime.time, str]:
    return (item.date, item.starts_at or datetime.time.min, item.title)


def calendar_items_for(user: User, start: datetime.date, end: datetime.date) -> list[CalendarItem]:
    """Every registered provider's items for ``user`` from ``start`` to ``end``, by date and
    time. Costs the sum of the providers' fixed query counts."""
    if end < start:
        return []
    items: list[CalendarItem] = []
    for name in sorted(_PROVIDERS):
        items.extend(_PROVIDERS[name](user, start, end))
    return sorted(items, key=sort_key)


def items_by_day(
    items: list[CalendarItem], days: list[datetime.date]
) -> dict[datetime.date, list[CalendarItem]]:
    """The items of each of ``days`` (in their order); items on other days are left out."""
    found: dict[datetime.date, list[CalendarItem]] = {d: [] for d in days}
    for item in items:
        if item.date in found:
            found[item.date].append(item)
    return found
