"""Writes to the school structure: enrolling students with guardians (one by one or in bulk),
issuing school logins, moving students, ending enrolments, staff accounts.

Logins: a family gets a number of 7 digits; the first guardian's login is the number and the
student's login is the same number followed by ``u``. Every further guardian gets a number of
their own. Numbers are unique deployment-wide (User.login is unique).
"""

from __future__ import annotations

from kajet.school.services.enrolment import (
    EnrolmentResult,
    GuardianInput,
    StudentInput,
    guardian_add,
    student_end_enrolment,
    student_move,
    student_update,
    students_enrol,
    students_import,
)
from kajet.school.services.logins import (
    LOGIN_DIGITS,
    FamilyReset,
    IssuedLogin,
    class_logins_reset,
    login_numbers_allocate,
    login_password_reset,
)
from kajet.school.services.staff import (
    staff_create,
    staff_import,
    staff_set_active,
    staff_set_roles,
    staff_update,
)
from kajet.school.services.structure import (
    group_set_members,
    school_settings_update,
    structure_save,
    structure_snapshot,
)

__all__ = [
    "EnrolmentResult",
    "FamilyReset",
    "GuardianInput",
    "IssuedLogin",
    "LOGIN_DIGITS",
    "StudentInput",
    "class_logins_reset",
    "group_set_members",
    "guardian_add",
    "login_numbers_allocate",
    "login_password_reset",
    "school_settings_update",
    "staff_create",
    "staff_import",
    "staff_set_active",
    "staff_set_roles",
    "staff_update",
    "structure_save",
    "structure_snapshot",
    "student_end_enrolment",
    "student_move",
    "student_update",
    "students_enrol",
    "students_import",
]
