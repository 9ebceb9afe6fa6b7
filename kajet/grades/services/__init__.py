"""Writes for grades. Keyword-only, typed, ``actor=`` explicit; each runs in a transaction,
records history (who, when, old, new) and notifies families on commit.

By sub-domain: ``marks`` (columns, a mark's edit, correction and removal, the family's
visit), ``term`` (proposed/final term and annual grades, behaviour grades), ``policy`` (the
school's grading policy and categories), ``scales`` (the school's scales for current
marks and their assignments). Every public name stays importable from this
package."""

from __future__ import annotations

from kajet.grades.selectors.common import BEHAVIOUR, GRADE, course_students, school_policy
from kajet.grades.services.marks import (
    Cell,
    ColumnInvalid,
    GradeConflict,
    GradeError,
    column_add,
    column_update,
    grade_correct,
    grade_delete,
    grade_update,
    grades_visit_record,
)
from kajet.grades.services.policy import (
    DEFAULT_CATEGORIES,
    categories_ensure_defaults,
    category_save,
    policy_update,
)
from kajet.grades.services.scales import (
    AssignmentInput,
    ScaleInvalid,
    scale_assign,
    scale_save,
    scale_unassign,
)
from kajet.grades.services.term import (
    BehaviourInput,
    TermGradeInput,
    behaviour_grades_set,
    term_grades_set,
)

__all__ = [
    "AssignmentInput",
    "ScaleInvalid",
    "scale_assign",
    "scale_save",
    "scale_unassign",
    "BEHAVIOUR",
    "BehaviourInput",
    "Cell",
    "ColumnInvalid",
    "DEFAULT_CATEGORIES",
    "GRADE",
    "GradeConflict",
    "GradeError",
    "TermGradeInput",
    "behaviour_grades_set",
    "categories_ensure_defaults",
    "category_save",
    "column_add",
    "column_update",
    "course_students",
    "grade_correct",
    "grade_delete",
    "grade_update",
    "grades_visit_record",
    "policy_update",
    "school_policy",
    "term_grades_set",
]
