"""The grades summary: the classification meeting's sheet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from kajet.core.collation import polish_key
from kajet.grades.models import BehaviourGrade, Grade
from kajet.grades.selectors import (
    STUDENT_GRADE_FIELDS,
    StudentGrades,
    SubjectView,
    build_student_grades,
)
from kajet.grades.services import school_policy
from kajet.records import rules
from kajet.records.selectors.classes import ClassData, class_data
from kajet.school.models import (
    Course,
    SchoolClass,
    Student,
    Term,
)


@dataclass
class SummaryCell:
    """One student's result in one subject for the period."""

    marks: str
    average: Decimal | None
    proposed: Grade | None
    final: Grade | None
    at_risk: bool


@dataclass
class SummaryRow:
    student: Student
    cells: dict[int, SummaryCell]  # subject id → cell
    behaviour: BehaviourGrade | None
    at_risk: list[str]
    average_of_finals: Decimal | None
    cell_list: list[SummaryCell | None] = field(default_factory=list)  # in subject order


@dataclass
class GradesSummary:
    school_class: SchoolClass
    term: Term | None  # None: the school year (annual grades)
    subjects: list[Course]  # one course per subject, for the column headers
    rows: list[SummaryRow]
    pass_threshold: Decimal
    #: per subject, the students it teaches with their cell
    subject_tables: list[tuple[Course, list[tuple[Student, SummaryCell]]]] = field(
        default_factory=list
    )

    @property
    def at_risk_rows(self) -> list[SummaryRow]:
        return [r for r in self.rows if r.at_risk]


def _class_grades(school_class: SchoolClass) -> dict[int, list[Grade]]:
    """Every live grade of the class's students in the class's courses, by student (one
    query, the fields the family page uses)."""
    by_student: dict[int, list[Grade]] = defaultdict(list)
    for grade in (
        Grade.objects.filter(course__school_class=school_class, deleted_at__isnull=True)
        .select_related("column__category")
        .only(*STUDENT_GRADE_FIELDS)
        .annotate(term_number=F("term__number"))
        .order_by("column__date", "created_at", "pk")
    ):
        by_student[grade.student_id].append(grade)
    return by_student


def class_student_grades(data: ClassData) -> list[StudentGrades]:
    """Each student's grades exactly as the family's grades page computes them (two
    queries for the whole class: the policy, the grades)."""
    policy = school_policy(data.school_class.school_id)
    grades = _class_grades(data.school_class)
    return [
        build_student_grades(s, policy, data.courses_of(s), grades.get(s.pk, []), None)
        for s in data.students
    ]


def _summary_cell(view: SubjectView, term: Term | None, pass_threshold: Decimal) -> SummaryCell:
    if term is None:
        marks = [m for t in view.terms for m in t.marks]
        average, proposed, final = view.year_average, view.proposed_annual, view.final_annual
    else:
        period = view.terms[term.number - 1]
        marks, average, proposed, final = (
            period.marks,
            period.average,
            period.proposed,
            period.final,
        )
    shown = final or proposed
    risky = (average is not None and average < pass_threshold) or (
        shown is not None and shown.value == 1
    )
    text = " ".join(m.grade.shown for m in marks if m.grade.shown)
    return SummaryCell(text, average, proposed, final, risky)


def grades_summary(school_class: SchoolClass, term: Term | None) -> GradesSummary:
    """Every subject's marks, averages, proposed and final grades and behaviour of each
    student of a class for a term (or the year), with the students at risk: an average under
    the pass threshold, or a proposed/final 1. A fixed number of queries."""
    data = class_data(school_class)
    policy = school_policy(school_class.school_id)
    pass_threshold = next((m for m, g in policy.thresholds if g == 2), Decimal("1.51"))
    behaviour = {
        b.student_id: b
        for b in BehaviourGrade.objects.filter(
            student__school_class=school_class, year_id=school_class.year_id, term=term
        )
    }
    subjects: dict[int, Course] = {}
    rows = []
    for student_grades in class_student_grades(data):
        cells: dict[int, SummaryCell] = {}
        for view in student_grades.subjects:
            subjects.setdefault(view.course.subject_id, view.course)
            cells[view.course.subject_id] = _summary_cell(view, term, pass_threshold)
        finals = [c.final.value for c in cells.values() if c.final is not None]
        student = student_grades.student
        rows.append(
            SummaryRow(
                student,
                cells,
                behaviour.get(student.pk),
                [subjects[sid].subject.name for sid, c in cells.items() if c.at_risk],
                rules.annual_average(finals),
            )
        )
    ordered = sorted(subjects.values(), key=lambda c: polish_key(c.subject.name))
    for row in rows:
        row.cell_list = [row.cells.get(c.subject_id) for c in ordered]
    tables = [
        (c, [(r.student, r.cells[c.subject_id]) for r in rows if c.subject_id in r.cells])
        for c in ordered
    ]
    return GradesSummary(school_class, term, ordered, rows, pass_threshold, tables)
