"""The month as a list for a phone (pure: any objects with ``starts_on`` and ``ends_on``).

A day's one-day events share a card; an event over several days (a winter break, a trip) is
one card with its date range, placed where it enters the month, instead of a copy on every
day it covers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass
class AgendaCard:
    starts_on: datetime.date
    ends_on: datetime.date  # == starts_on for a day's card
    events: list[Any] = field(default_factory=list)
    is_today: bool = False

    @property
    def is_range(self) -> bool:
        return self.ends_on != self.starts_on


def month_agenda(
    events: list[Any], first: datetime.date, last: datetime.date, today: datetime.date
) -> list[AgendaCard]:
    """The cards for the days ``first``..``last`` in date order: for each day with one-day
    events a card of that day, and a card for each longer event that touches the days (its
    whole range, ordered by the first of its days inside ``first``..``last``; on the same day
    the day's card comes first)."""
    days: dict[datetime.date, AgendaCard] = {}
    ranges: list[AgendaCard] = []
    for event in events:
        if event.ends_on < first or event.starts_on > last:
            continue
        if event.ends_on == event.starts_on:
            card = days.setdefault(event.starts_on, AgendaCard(event.starts_on, event.starts_on))
            card.events.append(event)
        else:
            ranges.append(AgendaCard(event.starts_on, event.ends_on, [event]))
    for card in [*days.values(), *ranges]:
        card.is_today = card.starts_on <= today <= card.ends_on
    return sorted(
        [*days.values(), *ranges],
        key=lambda card: (max(card.starts_on, first), card.is_range, card.starts_on),
    )
