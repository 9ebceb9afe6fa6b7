"""Writes: the school's attendance types and policy (created lazily), saving a lesson with
its marks (all-or-nothing, history for every change), and excuses (submit, approve, reject).
"""

from __future__ import annotations

from kajet.attendance.services.excuses import (
    excuse_approve,
    excuse_reject,
    excuse_submit,
    excuse_withdraw,
)
from kajet.attendance.services.lessons import (
    LessonConflict,
    changed_since_loaded,
    lesson_save,
    types_for_marking,
)
from kajet.attendance.services.types import (
    STANDARD_TYPES,
    attendance_types_for,
    policy_for,
    standard_type,
)

__all__ = [
    "LessonConflict",
    "STANDARD_TYPES",
    "attendance_types_for",
    "changed_since_loaded",
    "excuse_approve",
    "excuse_reject",
    "excuse_submit",
    "excuse_withdraw",
    "lesson_save",
    "policy_for",
    "standard_type",
    "types_for_marking",
]
