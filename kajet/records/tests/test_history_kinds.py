"""History codes → kinds of change and old → new in words (pure, table-driven)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from kajet.records.history import kinds


@pytest.mark.parametrize(
    ("code", "kind", "action"),
    [
        ("grades.grade.created", kinds.GRADE, "grade added"),
        ("grades.grade.corrected", kinds.GRADE, "grade corrected"),
        ("grades.column.changed", kinds.GRADE, "grade column changed"),
        ("grades.term_grade.deleted", kinds.TERM_GRADE, "term grade cleared"),
        ("grades.behaviour.set", kinds.BEHAVIOUR, "behaviour grade set"),
        ("attendance.mark.excused", kinds.ATTENDANCE, "absence excused"),
        ("attendance.excuse.approved", kinds.EXCUSE, "excuse approved"),
        ("attendance.lesson.topic_changed", kinds.LESSON, "topic changed"),
        ("remarks.remark.removed", kinds.REMARK, "remark removed"),
        ("timetable.event.added", kinds.EVENT, "event added"),
        ("timetable.lesson_change.cancellation", kinds.TIMETABLE, "lesson cancelled"),
        ("timetable.class_plan.saved", kinds.TIMETABLE, "class timetable saved"),
        ("attendance.type.deleted", kinds.SETTINGS, "attendance.type.deleted"),
        # a code of a known family nobody named yet: its family's kind, the raw code
        ("timetable.event.deleted", kinds.EVENT, "timetable.event.deleted"),
        ("grades.grade.restored", kinds.GRADE, "grades.grade.restored"),
        # an unknown family: "other", the raw code
        ("timetable.excursion.booked", kinds.OTHER, "timetable.excursion.booked"),
        ("noticeboard.announcement.created", kinds.OTHER, "noticeboard.announcement.created"),
        ("nodots", kinds.OTHER, "nodots"),
        ("", kinds.OTHER, ""),
    ],
)
def test_kind_and_action_of_a_code(code: str, kind: str, action: str) -> None:
    with translation.override("en"):
        change = kinds.change_of(code, None, None)
    assert (change.kind, change.action) == (kind, action)
    assert change.kind_label == kinds.kind_label(kind)


def test_every_kind_has_a_polish_label() -> None:
    with translation.override("pl"):
        labels = {k: kinds.kind_label(k) for k in kinds.KIND_LABELS}
    assert labels[kinds.ATTENDANCE] == "frekwencja"
    assert labels[kinds.OTHER] == "inne"
    with translation.override("en"):
        english = {k: kinds.kind_label(k) for k in kinds.KIND_LABELS}
    untranslated = sorted(k for k in labels if labels[k] == english[k])
    assert not untranslated


def test_every_action_has_a_polish_label() -> None:
    with translation.override("pl"):
        polish = {code: kinds.action_label(code) for code in kinds.ACTIONS}
    with translation.override("en"):
        english = {code: kinds.action_label(code) for code in kinds.ACTIONS}
    assert not sorted(code for code in polish if polish[code] == english[code])
    assert polish["grades.grade.corrected"] == "poprawa oceny"


def test_every_action_is_of_a_mapped_family() -> None:
    assert all(kinds.kind_of(code) != kinds.OTHER for code in kinds.ACTIONS)


NAMES = {"nb": "absent", "u": "excused absence", "ob": "present"}


@pytest.mark.parametrize(
    ("code", "old", "new", "expected"),
    [
        ("grades.grade.created", None, {"text": "5", "comment": ""}, "5"),
        (
            "grades.grade.created",
            None,
            {"text": "4+", "comment": "kartkówka"},
            "4+ · comment: kartkówka",
        ),
        (
            "grades.grade.changed",
            {"text": "3", "comment": ""},
            {"text": "4", "comment": ""},
            "3 → 4",
        ),
        (
            "grades.grade.changed",
            {"text": "3", "comment": "a"},
            {"text": "3", "comment": ""},
            "3 → 3 · comment: —",
        ),
        ("grades.grade.corrected", {"text": "1"}, {"text": "3"}, "1 → 3"),
        (
            "grades.grade.deleted",
            {"text": "2", "comment": ""},
            {"reason": "pomyłka", "version": 2},
            "2 (reason: pomyłka)",
        ),
        (
            "grades.term_grade.changed",
            {"text": "", "descriptive": "Opis"},
            {"text": "5", "descriptive": ""},
            "Opis → 5",
        ),
        ("grades.term_grade.deleted", {"text": "4"}, {"text": "4"}, "4 → 4"),
        ("grades.behaviour.set", None, {"value": 6, "term": 1}, "exemplary (wzorowe)"),
        (
            "grades.behaviour.set",
            {"value": 4, "version": 1},
            {"value": 5, "term": None},
            "good (dobre) → very good (bardzo dobre)",
        ),
        ("attendance.mark.added", None, {"type": "ob", "student": 3}, "ob (present)"),
        (
            "attendance.mark.changed",
            {"type": "ob", "version": 1},
            {"type": "nb", "version": 2},
            "ob (present) → nb (absent)",
        ),
        ("attendance.mark.excused", {"type": "nb"}, {"type": "zz"}, "nb (absent) → zz"),
        (
            "attendance.lesson.topic_changed",
            {"topic": "Ułamki"},
            {"topic": "Procenty"},
            "topic: Ułamki → Procenty",
        ),
        (
            "timetable.event.updated",
            {"title": "Test", "starts_on": "2026-11-16", "kind": "test"},
            {"title": "Sprawdzian", "starts_on": "2026-11-16", "kind": "test"},
            "title: Test → Sprawdzian",
        ),
        (
            "timetable.event.removed",
            {"kind": "trip", "title": "Wycieczka", "starts_on": "2026-11-20"},
            None,
            "kind: trip; from: 20.11.2026; title: Wycieczka",
        ),
        ("timetable.event.deleted", None, {"title": "X", "entries": [1, 2]}, "title: X"),
        (
            "timetable.event.added",
            None,
            {"kind": "day_off", "scope": "school", "classes": [], "title": "test"},
            "kind: day off; for whom: whole school; title: test",
        ),
        (
            "timetable.event.updated",
            {"kind": "test", "ends_on": "2026-11-16"},
            {"kind": "quiz", "ends_on": "2026-11-17", "confirmed_over_limit": True},
            "to: 16.11.2026 → 17.11.2026; kind: test → quiz",
        ),
        ("timetable.plan.created", None, {"valid_from": "2026-09-01"}, "valid from: 1.09.2026"),
        ("some.unknown.code", None, None, ""),
        ("some.unknown.code", "not a dict", 5, ""),
        ("some.unknown.code", None, {"flag": True, "x": ""}, "flag: yes"),
        ("some.unknown.code", None, {"note": "a" * 100}, "note: " + "a" * 79 + "…"),
    ],
)
def test_describe(code: str, old: Any, new: Any, expected: str) -> None:
    with translation.override("en"):
        assert kinds.describe(code, old, new, attendance_names=NAMES) == expected


def test_describe_in_polish() -> None:
    with translation.override("pl"):
        text = kinds.describe("grades.grade.deleted", {"text": "2"}, {"reason": "pomyłka"})
        assert text == "2 (powód: pomyłka)"
        assert kinds.describe("timetable.event.updated", {"title": "A"}, {"title": "B"}) == (
            "tytuł: A → B"
        )


@pytest.mark.parametrize(
    ("kind", "has", "has_not", "negate"),
    [
        (kinds.GRADE, "grades.grade.", "grades.term_grade.", False),
        (kinds.EVENT, "timetable.event.", "timetable.lesson_change.", False),
        (kinds.OTHER, "timetable.event.", "noticeboard.", True),
    ],
)
def test_codes_of_kind(kind: str, has: str, has_not: str, negate: bool) -> None:
    prefixes, negated = kinds.codes_of_kind(kind)
    assert has in prefixes and has_not not in prefixes
    assert negated is negate
