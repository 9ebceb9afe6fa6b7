"""Forms of the school office and administrator pages. Querysets are set per request, from
the user's school, inside the school scope.
"""

from __future__ import annotations

from kajet.school.forms.fields import DATE_INPUT, TIME_INPUT, ClassChoiceField
from kajet.school.forms.staff import LOGIN_RE, SchoolSettingsForm, StaffEditForm, StaffForm
from kajet.school.forms.structure import (
    ClassGroupForm,
    CourseForm,
    LessonPeriodForm,
    MemberChoiceField,
    SchoolClassForm,
    SchoolYearForm,
    StructureForm,
    StructureMeta,
    SubjectForm,
    TermForm,
)
from kajet.school.forms.students import (
    ClassResetForm,
    EndEnrolmentForm,
    GuardianForm,
    ImportForm,
    MoveForm,
    StudentEditForm,
    StudentFilterForm,
    StudentForm,
)

__all__ = [
    "ClassChoiceField",
    "ClassGroupForm",
    "ClassResetForm",
    "CourseForm",
    "DATE_INPUT",
    "EndEnrolmentForm",
    "GuardianForm",
    "ImportForm",
    "LOGIN_RE",
    "LessonPeriodForm",
    "MemberChoiceField",
    "MoveForm",
    "SchoolClassForm",
    "SchoolSettingsForm",
    "SchoolYearForm",
    "StaffEditForm",
    "StaffForm",
    "StructureForm",
    "StructureMeta",
    "StudentEditForm",
    "StudentFilterForm",
    "StudentForm",
    "SubjectForm",
    "TIME_INPUT",
    "TermForm",
]
