"""Grades pages: the family's grades, the teacher's grade sheet and column entry, editing,
correcting and deleting a mark, term/annual and behaviour grades, the class overview, the
what-if calculator and the school's grading policy. Thin views: access → form → service.

By page: ``family`` (the grades page, a mark, the what-if calculator), ``sheet`` (the
teacher's sheet and marks), ``term`` (term/annual and behaviour grades, the class
overview), ``policy`` (the school administrator's policy and categories), ``scales`` (the
school's scales for current marks)."""

from __future__ import annotations

from kajet.grades.views.family import (
    GRADES_FRAGMENT_SECONDS,
    index,
    mark_detail,
    student_page,
    what_if,
)
from kajet.grades.views.policy import category_edit, policy
from kajet.grades.views.scales import scale_assign, scale_edit, scale_unassign, scales
from kajet.grades.views.sheet import (
    column_new,
    grade_cell,
    grade_correct,
    grade_delete,
    grade_edit,
    sheet,
    sheet_current,
)
from kajet.grades.views.term import KIND_SLUGS, behaviour, class_overview, term_grades

__all__ = [
    "GRADES_FRAGMENT_SECONDS",
    "KIND_SLUGS",
    "behaviour",
    "category_edit",
    "class_overview",
    "column_new",
    "grade_cell",
    "grade_correct",
    "grade_delete",
    "grade_edit",
    "index",
    "mark_detail",
    "policy",
    "scale_assign",
    "scale_edit",
    "scale_unassign",
    "scales",
    "sheet",
    "sheet_current",
    "student_page",
    "term_grades",
    "what_if",
]
