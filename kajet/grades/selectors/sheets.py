"""The staff's sheets: a course's grade sheet, the teacher's courses, the current term,
the class overview and the behaviour sheet."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from kajet.accounts.models import User
from kajet.core.models import same_school
from kajet.grades.averages import (
    mean_of_averages,
    suggested_grade,
    weighted_average,
)
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
    GradeCategory,
    GradeColumn,
)
from kajet.grades.scale import Policy, graded_descriptively
from kajet.grades.selectors.common import course_students, school_policy
from kajet.grades.selectors.student import weighted
from kajet.school.models import Course, GroupMembership, SchoolClass, Student, Term
from kajet.school.selectors import ClassKey


@dataclass
class SheetCell:
    grade: Grade | None = None
    correction: Grade | None = None


@dataclass
class SheetRow:
    student: Student
    cells: list[SheetCell]
    average: Decimal | None
    suggested: int | None
    year_average: Decimal | None
    year_suggested: int | None
    proposed: Grade | None = None
    final: Grade | None = None
    proposed_annual: Grade | None = None
    final_annual: Grade | None = None


@dataclass
class Sheet:
    course: Course
    term: Term
    terms: list[Term]
    columns: list[GradeColumn]
    rows: list[SheetRow]
    policy: Policy
    categories: list[GradeCategory]
    descriptive: bool


def course_sheet(course: Course, term: Term) -> Sheet:
    """The grade sheet: students in class-list order × the term's columns, each student's
    weighted average for the term and the year, and their term/annual grades. Five
    queries whatever the size of the class (students, terms, columns, grades, policy)."""
    policy = school_policy(course.school_id)
    students = course_students(course)
    terms = list(Term.objects.filter(year_id=course.year_id).order_by("number"))
    categories = list(GradeCategory.objects.filter(is_active=True))
    grades = list(
        Grade.objects.filter(course=course, deleted_at__isnull=True)
        .select_related("column__category", "column__scale")
        .order_by("created_at", "pk")
    )
    columns_by_id: dict[int, GradeColumn] = {}
    by_student: dict[int, list[Grade]] = defaultdict(list)
    for grade in grades:
        by_student[grade.student_id].append(grade)
        if grade.column is not None and grade.term_id == term.pk:
            columns_by_id.setdefault(grade.column.pk, grade.column)
    # Columns without any mark yet still show.
    for column in GradeColumn.objects.filter(course=course, term=term).select_related(
        "category", "scale"
    ):
        columns_by_id.setdefault(column.pk, column)
    columns = sorted(columns_by_id.values(), key=lambda c: (c.date, c.pk))
    rows = [
        _sheet_row(student, by_student.get(student.pk, []), columns, term, policy)
        for student in students
    ]
    return Sheet(
        course=course,
        term=term,
        terms=terms,
        columns=columns,
        rows=rows,
        policy=policy,
        categories=categories,
        descriptive=graded_descriptively(course.school_class.level, course.subject.name, policy),
    )


def _sheet_row(
    student: Student, own: list[Grade], columns: list[GradeColumn], term: Term, policy: Policy
) -> SheetRow:
    """One student's row: the term's marks in their columns, the term and year averages
    and suggestions, the proposed/final term and annual grades."""
    cells = {c.pk: SheetCell() for c in columns}
    row = SheetRow(student, [], None, None, None, None)
    term_marks = []
    year_marks = []
    for grade in own:
        if grade.kind == Grade.Kind.CURRENT:
            year_marks.append(grade)
            if grade.term_id == term.pk:
                term_marks.append(grade)
                _place_in_cell(cells.get(grade.column_id or 0), grade)
        else:
            _place_term_grade(row, grade, term)
    row.cells = [cells[c.pk] for c in columns]
    row.average = weighted_average((weighted(g) for g in term_marks), policy)
    row.suggested = suggested_grade(row.average, policy)
    row.year_average = weighted_average((weighted(g) for g in year_marks), policy)
    row.year_suggested = suggested_grade(row.year_average, policy)
    return row


def _place_in_cell(cell: SheetCell | None, grade: Grade) -> None:
    """A current mark goes to its column's cell: as the mark, or as its correction."""
    if cell is None:
        return
    if grade.corrects_id is None:
        cell.grade = grade
    else:
        cell.correction = grade


def _place_term_grade(row: SheetRow, grade: Grade, term: Term) -> None:
    """A proposed/final grade of this term, or of the year, goes to its place in the row."""
    kind = grade.kind
    if kind == Grade.Kind.PROPOSED_TERM and grade.term_id == term.pk:
        row.proposed = grade
    elif kind == Grade.Kind.FINAL_TERM and grade.term_id == term.pk:
        row.final = grade
    elif kind == Grade.Kind.PROPOSED_ANNUAL:
        row.proposed_annual = grade
    elif kind == Grade.Kind.FINAL_ANNUAL:
        row.final_annual = grade


def teacher_courses(user: User) -> list[Course]:
    return list(
        Course.objects.filter(teacher=user, year__is_current=True).select_related(
            "subject", "school_class", "group"
        )
    )


def current_term(year_id: int, today: datetime.date) -> Term | None:
    terms = list(Term.objects.filter(year_id=year_id).order_by("number"))
    for term in terms:
        if term.starts_on <= today <= term.ends_on:
            return term
    if terms and today > terms[-1].ends_on:
        return terms[-1]
    return terms[0] if terms else None


@dataclass
class OverviewRow:
    student: Student
    averages: list[Decimal | None]
    at_risk: list[str]  # subject names
    behaviour: BehaviourGrade | None = None


@dataclass
class Overview:
    school_class: SchoolClass
    courses: list[Course]
    subject_averages: list[Decimal | None]
    rows: list[OverviewRow]
    pass_threshold: Decimal


def class_overview(school_class: SchoolClass, term: Term | None) -> Overview:
    """Averages per subject (for the term, or the year when ``term`` is None) of each
    student of a class, and the students at risk: an average under the pass threshold (the
    policy's minimum for a 2) or a proposed 1. A fixed number of queries."""
    policy = school_policy(school_class.school_id)
    pass_threshold = next((m for m, g in policy.thresholds if g == 2), Decimal("1.51"))
    courses = list(
        Course.objects.filter(school_class=school_class)
        .select_related("subject")
        .order_by("subject__name", "pk")
    )
    students = list(
        Student.objects.filter(school_class=school_class, left_on__isnull=True)
        .select_related("user")
        .order_by("class_number", "pk")
    )
    memberships: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in GroupMembership.objects.filter(
        group__school_class=school_class
    ).values_list("group_id", "student_id"):
        memberships[group_id].add(student_id)
    grades = Grade.objects.filter(
        course__school_class=school_class, deleted_at__isnull=True
    ).select_related("column__category")
    if term is not None:
        grades = grades.filter(Q(term=term) | Q(kind__in=Grade.ANNUAL_KINDS))
    marks: dict[tuple[int, int], list[Grade]] = defaultdict(list)
    proposed_one: set[tuple[int, int]] = set()
    for grade in grades:
        key = (grade.student_id, grade.course_id)
        if grade.kind == Grade.Kind.CURRENT:
            marks[key].append(grade)
        elif grade.kind in (Grade.Kind.PROPOSED_TERM, Grade.Kind.PROPOSED_ANNUAL) and (
            grade.value == 1
        ):
            proposed_one.add(key)
    behaviour = {
        b.student_id: b
        for b in BehaviourGrade.objects.filter(
            student__school_class=school_class, year_id=school_class.year_id, term=term
        )
    }
    # Subjects in one column even when taught in groups (each student is in one group).
    subject_courses: dict[int, list[Course]] = defaultdict(list)
    for course in courses:
        subject_courses[course.subject_id].append(course)
    subject_list = [group[0] for group in subject_courses.values()]
    rows = []
    for student in students:
        averages = []
        at_risk = []
        for first in subject_list:
            average = None
            risky = False
            for course in subject_courses[first.subject_id]:
                if course.group_id is not None and student.pk not in memberships[course.group_id]:
                    continue
                key = (student.pk, course.pk)
                average = weighted_average((weighted(g) for g in marks.get(key, [])), policy)
                risky = key in proposed_one or (average is not None and average < pass_threshold)
            averages.append(average)
            if risky:
                at_risk.append(first.subject.name)
        rows.append(OverviewRow(student, averages, at_risk, behaviour.get(student.pk)))
    subject_averages = [
        mean_of_averages(r.averages[i] for r in rows) for i in range(len(subject_list))
    ]
    return Overview(
        school_class=school_class,
        courses=subject_list,
        subject_averages=subject_averages,
        rows=rows,
        pass_threshold=pass_threshold,
    )


def behaviour_sheet(
    school_class: SchoolClass, term: Term | None
) -> list[tuple[Student, BehaviourGrade | None]]:
    students = list(
        Student.objects.filter(school_class=school_class, left_on__isnull=True)
        .select_related("user")
        .order_by("class_number", "pk")
    )
    existing = {
        b.student_id: b
        for b in BehaviourGrade.objects.filter(
            student__school_class=school_class, year_id=school_class.year_id, term=term
        )
    }
    return [(s, existing.get(s.pk)) for s in students]


#: The proposed and final grades whose 1 (niedostateczny) puts a student at risk.
_DECIDING_KINDS = (*Grade.TERM_KINDS, *Grade.ANNUAL_KINDS)


def students_failing_by_class(today: datetime.date) -> dict[ClassKey, set[int]]:
    """Class → the enrolled students with a proposed or final 1 (niedostateczny) of the
    term that contains ``today`` or of the year, in the current school scope (one query).
    The class overview adds the students whose average is under the pass threshold.
    The joined students and courses are restricted to the school (``same_school``), so
    their indexes led by the school serve the join, not a read of every school's rows."""
    # The term as a subquery of the school's terms, not a join: a join would be an outer
    # one (annual grades have no term), which nothing could restrict to the school.
    this_term = Q(term__in=Term.objects.filter(starts_on__lte=today, ends_on__gte=today))
    rows = (
        Grade.objects.filter(
            same_school("course", "course__year", "student", "student__school_class"),
            kind__in=_DECIDING_KINDS,
            value__lt=2,
            deleted_at__isnull=True,
            course__year__is_current=True,
            student__left_on__isnull=True,
        )
        .filter(this_term | Q(kind__in=Grade.ANNUAL_KINDS))
        .values_list(*ClassKey.FIELDS, "student_id")
        .distinct()
    )
    found: dict[ClassKey, set[int]] = defaultdict(set)
    for pk, level, name, student_id in rows:
        found[ClassKey(pk, level, name)].add(student_id)
    return dict(found)
