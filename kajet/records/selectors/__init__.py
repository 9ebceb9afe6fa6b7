"""Page-shaped reads for the printouts. Each builds on the modules' own selectors and rules
(the grades page's ``build_student_grades``, the attendance statistics) and runs a fixed
number of queries whatever the number of students, lessons or marks (asserted in tests).

One module per printout family; the public names are importable from the package."""

from __future__ import annotations

from kajet.records.selectors.attendance import (
    AttendanceRow,
    attendance_threshold,
    class_attendance,
    class_total,
    student_attendance,
)
from kajet.records.selectors.certificates import (
    MARK_ROW_FIELDS,
    Certificate,
    CertificateBatch,
    CertificateLine,
    RecordSheet,
    certificates,
    record_sheets,
)
from kajet.records.selectors.classes import (
    ClassData,
    class_data,
)
from kajet.records.selectors.family import (
    FamilyReport,
    family_report,
)
from kajet.records.selectors.register import (
    ClassRegister,
    RegisterDay,
    RegisterPart,
    RegisterPlan,
    RegisterSubject,
    class_register,
    register_parts,
    register_plan,
)
from kajet.records.selectors.summary import (
    GradesSummary,
    SummaryCell,
    SummaryRow,
    class_student_grades,
    grades_summary,
)

__all__ = [
    "ClassData",
    "class_data",
    "RegisterDay",
    "RegisterSubject",
    "ClassRegister",
    "class_register",
    "RegisterPart",
    "RegisterPlan",
    "register_plan",
    "register_parts",
    "SummaryCell",
    "SummaryRow",
    "GradesSummary",
    "class_student_grades",
    "grades_summary",
    "AttendanceRow",
    "class_attendance",
    "class_total",
    "attendance_threshold",
    "student_attendance",
    "FamilyReport",
    "family_report",
    "MARK_ROW_FIELDS",
    "CertificateLine",
    "Certificate",
    "CertificateBatch",
    "certificates",
    "RecordSheet",
    "record_sheets",
]
