"""Writes for the timetable and the calendar. Keyword-only, typed, ``actor=`` explicit; each
runs in a transaction, records history and notifies the people concerned on commit.

By sub-domain: ``plan`` (weekly plans, rooms), ``changes`` (substitutions, cancellations,
moves), ``calendar`` (events, the test-load policy); the lucky number is drawn in
``kajet.timetable.lucky``. Every public name stays importable from this package."""

from __future__ import annotations

from kajet.timetable.lucky import lucky_number_draw, lucky_numbers_predraw
from kajet.timetable.services.calendar import (
    KIND_EVENT,
    TEST_KINDS,
    EventInput,
    LoadCheck,
    TestLoadError,
    calendar_policy_update,
    counted_kinds,
    event_add,
    event_ends_on_kept,
    event_remove,
    event_test_load_check,
    event_update,
    load_policy,
)
from kajet.timetable.services.changes import KIND_CHANGE, lesson_change_add, lesson_change_remove
from kajet.timetable.services.plan import (
    CellInput,
    TimetableConflictError,
    conflict_message,
    room_add,
    timetable_class_save,
    timetable_plan_create,
)

__all__ = [
    "EventInput",
    "event_ends_on_kept",
    "CellInput",
    "KIND_CHANGE",
    "KIND_EVENT",
    "LoadCheck",
    "TEST_KINDS",
    "TestLoadError",
    "TimetableConflictError",
    "calendar_policy_update",
    "conflict_message",
    "counted_kinds",
    "event_add",
    "event_remove",
    "event_test_load_check",
    "event_update",
    "lesson_change_add",
    "lesson_change_remove",
    "load_policy",
    "lucky_number_draw",
    "lucky_numbers_predraw",
    "room_add",
    "timetable_class_save",
    "timetable_plan_create",
]
