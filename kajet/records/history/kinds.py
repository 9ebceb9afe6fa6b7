"""Kinds of change: history codes → what a reader calls them, and old → new in words.

Pure (no ORM): the history rows' codes are dotted (``grades.grade.corrected``); a code's
*family* (everything before its last dot) decides its kind of change, its exact value the
action's label. A code nobody taught this module yet is still shown: with a known family
it keeps that family's kind and shows the raw code as its action (another part of Kajet may
add ``timetable.event.deleted`` tomorrow); with an unknown family it is "other".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kajet.grades.scale import BEHAVIOUR_WORDS

GRADE = "grade"
TERM_GRADE = "term_grade"
BEHAVIOUR = "behaviour"
ATTENDANCE = "attendance"
EXCUSE = "excuse"
LESSON = "lesson"
REMARK = "remark"
EVENT = "event"
TIMETABLE = "timetable"
SETTINGS = "settings"
OTHER = "other"

#: The kinds of change in the order of the filter's list.
KIND_LABELS: dict[str, Promise] = {
    GRADE: gettext_lazy("grade"),
    TERM_GRADE: gettext_lazy("term or annual grade"),
    BEHAVIOUR: gettext_lazy("behaviour grade"),
    ATTENDANCE: gettext_lazy("attendance"),
    EXCUSE: gettext_lazy("excuse"),
    LESSON: gettext_lazy("lesson topic"),
    REMARK: gettext_lazy("remark"),
    EVENT: gettext_lazy("calendar event"),
    TIMETABLE: gettext_lazy("timetable change"),
    SETTINGS: gettext_lazy("register settings"),
    OTHER: gettext_lazy("other"),
}

#: Code families (a code without its last part) → kind of change.
FAMILIES: dict[str, str] = {
    "grades.grade": GRADE,
    "grades.column": GRADE,
    "grades.term_grade": TERM_GRADE,
    "grades.behaviour": BEHAVIOUR,
    "attendance.mark": ATTENDANCE,
    "attendance.excuse": EXCUSE,
    "attendance.lesson": LESSON,
    "remarks.remark": REMARK,
    "timetable.event": EVENT,
    "timetable.lesson_change": TIMETABLE,
    "timetable.plan": TIMETABLE,
    "timetable.class_plan": TIMETABLE,
    "timetable.room": TIMETABLE,
    "grades.policy": SETTINGS,
    "grades.category": SETTINGS,
    "attendance.policy": SETTINGS,
    "attendance.type": SETTINGS,
    "timetable.policy": SETTINGS,
    "remarks.category": SETTINGS,
}

#: The apps whose history is the register's: the history pages show these codes only (the
#: rest — sign-ins, messages read, staff accounts — is not a change to the register).
REGISTER_APPS = ("grades.", "attendance.", "remarks.", "timetable.")

#: What happened, per known code.
ACTIONS: dict[str, Promise] = {
    "grades.grade.created": gettext_lazy("grade added"),
    "grades.grade.changed": gettext_lazy("grade changed"),
    "grades.grade.corrected": gettext_lazy("grade corrected"),
    "grades.grade.deleted": gettext_lazy("grade deleted"),
    "grades.column.changed": gettext_lazy("grade column changed"),
    "grades.term_grade.created": gettext_lazy("term grade given"),
    "grades.term_grade.changed": gettext_lazy("term grade changed"),
    "grades.term_grade.deleted": gettext_lazy("term grade cleared"),
    "grades.behaviour.set": gettext_lazy("behaviour grade set"),
    "attendance.mark.added": gettext_lazy("attendance marked"),
    "attendance.mark.changed": gettext_lazy("attendance changed"),
    "attendance.mark.excused": gettext_lazy("absence excused"),
    "attendance.excuse.submitted": gettext_lazy("excuse submitted"),
    "attendance.excuse.approved": gettext_lazy("excuse approved"),
    "attendance.excuse.rejected": gettext_lazy("excuse rejected"),
    "attendance.excuse.withdrawn": gettext_lazy("excuse withdrawn"),
    "attendance.lesson.created": gettext_lazy("lesson recorded"),
    "attendance.lesson.topic_changed": gettext_lazy("topic changed"),
    "remarks.remark.created": gettext_lazy("remark added"),
    "remarks.remark.corrected": gettext_lazy("remark corrected"),
    "remarks.remark.removed": gettext_lazy("remark removed"),
    "remarks.remark.acknowledged": gettext_lazy("remark acknowledged"),
    "timetable.event.added": gettext_lazy("event added"),
    "timetable.event.updated": gettext_lazy("event changed"),
    "timetable.event.removed": gettext_lazy("event removed"),
    "timetable.lesson_change.substitution": gettext_lazy("substitution"),
    "timetable.lesson_change.cancellation": gettext_lazy("lesson cancelled"),
    "timetable.lesson_change.moved": gettext_lazy("lesson moved"),
    "timetable.lesson_change.removed": gettext_lazy("lesson change withdrawn"),
    "timetable.plan.created": gettext_lazy("timetable created"),
    "timetable.class_plan.saved": gettext_lazy("class timetable saved"),
    "timetable.room.added": gettext_lazy("room added"),
}

#: Keys of old/new that are ids or bookkeeping, not something a reader compares.
_HIDDEN = frozenset(
    {
        "version",
        "student",
        "course",
        "term",
        "column",
        "corrects",
        "entry",
        "class",
        "classes",
        "entries",
        "confirmed_over_limit",
        "skipped",
        "group",
        "teacher",
        "period",
    }
)
#: Stored values shown in words (calendar events' kinds and audiences, lesson changes).
VALUE_LABELS: dict[str, Promise] = {
    "test": gettext_lazy("test"),
    "quiz": gettext_lazy("quiz"),
    "assessment": gettext_lazy("other assessment"),
    "trip": gettext_lazy("trip"),
    "parents_meeting": gettext_lazy("parents' meeting"),
    "school_event": gettext_lazy("school event"),
    "day_off": gettext_lazy("day off"),
    "school": gettext_lazy("whole school"),
    "classes": gettext_lazy("classes"),
    "substitution": gettext_lazy("substitution"),
    "cancellation": gettext_lazy("cancelled"),
    "moved": gettext_lazy("moved"),
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
#: Names of the old/new fields a description shows; a field not named here shows its key.
FIELD_LABELS: dict[str, Promise] = {
    "title": gettext_lazy("title"),
    "kind": gettext_lazy("kind"),
    "scope": gettext_lazy("for whom"),
    "starts_on": gettext_lazy("from"),
    "ends_on": gettext_lazy("to"),
    "date": gettext_lazy("date"),
    "new_date": gettext_lazy("new date"),
    "topic": gettext_lazy("topic"),
    "status": gettext_lazy("status"),
    "note": gettext_lazy("note"),
    "reason": gettext_lazy("reason"),
    "description": gettext_lazy("description"),
    "text": gettext_lazy("text"),
    "comment": gettext_lazy("comment"),
    "weight": gettext_lazy("weight"),
    "valid_from": gettext_lazy("valid from"),
}
#: Longest value shown in a description (topics and comments can be long).
_MAX_VALUE = 80


def family_of(code: str) -> str:
    return code.rsplit(".", 1)[0]


def kind_of(code: str) -> str:
    """The kind of change of a history code; "other" for a family nobody mapped."""
    return FAMILIES.get(family_of(code), OTHER)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, KIND_LABELS[OTHER]))


def action_label(code: str) -> str:
    """What happened, in words; the raw code for one this module does not know."""
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def codes_of_kind(kind: str) -> tuple[tuple[str, ...], bool]:
    """(code-family prefixes, negate) to filter history rows by ``kind``: the families of a
    known kind, or — for "other" — every family that is *not* mapped (negate=True)."""
    if kind == OTHER:
        return tuple(f"{family}." for family in FAMILIES), True
    return tuple(f"{family}." for family, k in FAMILIES.items() if k == kind), False


@dataclass(frozen=True)
class Change:
    """One history row in words (what the pages and exports show)."""

    kind: str
    kind_label: str
    action: str
    description: str


def _short(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = str(value)
    if date := _ISO_DATE.match(text):
        return f"{int(date[3])}.{date[2]}.{date[1]}"
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _mark(state: Mapping[str, Any] | None) -> str:
    """A grade as written: its mark, or its descriptive text."""
    if not state:
        return "—"
    return _short(state.get("text") or state.get("descriptive") or None)


def _attendance(code: Any, names: Mapping[str, str]) -> str:
    if code is None:
        return "—"
    name = names.get(str(code))
    return f"{code} ({name})" if name else str(code)


def _value(key: str, value: Any) -> str:
    """A stored value in words: a kind or audience by its label, anything else shortened."""
    if key in ("kind", "scope") and isinstance(value, str) and value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    return _short(value)


def _field(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else key


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """``field: old → new`` for each shown field that differs (both sides present)."""
    parts = []
    for key in sorted(set(old) | set(new)):
        if key in _HIDDEN or old.get(key) == new.get(key):
            continue
        parts.append(f"{_field(key)}: {_value(key, old.get(key))} → {_value(key, new.get(key))}")
    return "; ".join(parts)


def _values(state: Mapping[str, Any]) -> str:
    """``field: value`` for each shown, non-empty field of a one-sided change."""
    return "; ".join(
        f"{_field(key)}: {_value(key, value)}"
        for key, value in sorted(state.items())
        if key not in _HIDDEN and value not in (None, "", [], {})
    )


def _grade(code: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> str:
    if code.endswith(".deleted") and new and "reason" in new:
        return _("%(mark)s (reason: %(reason)s)") % {
            "mark": _mark(old),
            "reason": _short(new["reason"]),
        }
    if old is None:
        text = _mark(new)
    else:
        text = f"{_mark(old)} → {_mark(new)}"
    old_comment = (old or {}).get("comment") or ""
    new_comment = (new or {}).get("comment") or ""
    if new_comment != old_comment and new is not None:
        text += " · " + _("comment: %(comment)s") % {"comment": _short(new_comment or None)}
    return text


def describe(
    code: str,
    old: Any,
    new: Any,
    *,
    attendance_names: Mapping[str, str] | None = None,
) -> str:
    """Old → new of one history row in words. ``attendance_names`` maps the school's
    attendance codes (``nb``) to their names, for attendance rows."""
    old_map = old if isinstance(old, Mapping) else None
    new_map = new if isinstance(new, Mapping) else None
    family = family_of(code)
    if family in ("grades.grade", "grades.term_grade"):
        return _grade(code, old_map, new_map)
    if family == "grades.behaviour":
        before = BEHAVIOUR_WORDS.get((old_map or {}).get("value") or 0)
        words = BEHAVIOUR_WORDS.get((new_map or {}).get("value") or 0)
        return f"{before} → {words}" if before else str(words or "—")
    if family == "attendance.mark":
        names = attendance_names or {}
        after = _attendance((new_map or {}).get("type"), names)
        if old_map is None:
            return after
        return f"{_attendance(old_map.get('type'), names)} → {after}"
    if old_map and new_map:
        return _diff(old_map, new_map)
    if new_map:
        return _values(new_map)
    if old_map:
        return _values(old_map)
    return ""


def change_of(
    code: str, old: Any, new: Any, *, attendance_names: Mapping[str, str] | None = None
) -> Change:
    kind = kind_of(code)
    return Change(
        kind=kind,
        kind_label=kind_label(kind),
        action=action_label(code),
        description=describe(code, old, new, attendance_names=attendance_names),
    )
