"""Pure rules of consultation slots: splitting consultation hours into slots, when a slot may
still be booked and until when a booking may be cancelled. No ORM; times are passed in."""

from __future__ import annotations

import datetime

#: A guardian may cancel a booking up to this long before the slot starts (afterwards the
#: teacher has planned for them; they tell the teacher by message instead).
CANCEL_BEFORE = datetime.timedelta(hours=2)
#: The most slots one publication may create (a typo in the hours should not make hundreds).
MAX_SLOTS = 40
SLOT_MINUTES = (5, 60)


def split_hours(
    starts_at: datetime.time, ends_at: datetime.time, minutes: int
) -> list[tuple[datetime.time, datetime.time]]:
    """Consultation hours cut into slots of ``minutes``; a remainder too short for a slot is
    left out. Empty when the hours end before they start or hold no whole slot."""
    day = datetime.date(2000, 1, 1)
    start = datetime.datetime.combine(day, starts_at)
    end = datetime.datetime.combine(day, ends_at)
    step = datetime.timedelta(minutes=minutes)
    slots = []
    while minutes > 0 and start + step <= end:
        slots.append((start.time(), (start + step).time()))
        start += step
    return slots


def can_book(*, starts: datetime.datetime, now: datetime.datetime) -> bool:
    """A slot may be booked until it starts."""
    return now < starts


def can_cancel(
    *, starts: datetime.datetime, now: datetime.datetime, before: datetime.timedelta = CANCEL_BEFORE
) -> bool:
    """A booking may be cancelled until ``before`` the slot starts."""
    return now <= starts - before
