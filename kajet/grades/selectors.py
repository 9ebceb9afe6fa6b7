"""Page-shaped reads of grades, each with a fixed number of queries whatever the number of
subjects and marks (asserted in tests). Averages come from the pure rules in ``averages``."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery
from django.http import HttpRequest

from kajet.accounts.models import User
from kajet.core.history import history_for
from kajet.core.models import HistoryEntry
from kajet.grades import page_cache
from kajet.grades.averages import (
    WeightedMark,
    mean_of_averages,
    suggested_grade,
    weighted_average,
)
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
    GradeCategory,
    GradeColumn,
    GradesVisit,
    GradingPolicy,
    policy_from_row,
)
from kajet.grades.scale import CorrectionRule, Policy
from kajet.grades.services import GRADE, course_students, school_policy
from kajet.school.family import SESSION_KEY
from kajet.school.models import Course, GroupMembership, SchoolClass, Student, Term


def _policy_row(student: Student) -> GradingPolicy | None:
    try:
        # The reverse one-to-one accessor is invisible to the type stubs.
        row: GradingPolicy = getattr(student.school, "grading_policy")  # noqa: B009
    except GradingPolicy.DoesNotExist:  # the school keeps the defaults
        return None
    return row


def policy_of_student(student: Student) -> Policy:
    """The policy loaded with the student (``select_related("school__grading_policy")``)."""
    return policy_from_row(_policy_row(student))


# --- Family: the children and the chosen one ---------------------------------------------


def family_children(
    request: HttpRequest, *, student_id: int | None = None
) -> tuple[list[Student], Student | None]:
    """(the students a family user sees, the chosen one) in ONE query, with each student's
    school policy and ``grades_seen_at`` (the user's last visit) loaded.

    The choice is ``?uczen=<id>`` if it is one of them, else the dashboard's child switcher
    (session), else the first child. Staff get ([], None).
    """
    user = request.user
    if not isinstance(user, User) or user.kind not in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        return [], None
    qs = Student.objects.select_related("user", "school_class", "school__grading_policy")
    if user.kind == User.Kind.STUDENT:
        qs = qs.filter(user=user)
    else:
        qs = qs.filter(guardianships__guardian=user)
    seen = GradesVisit.objects.filter(user=user, student=OuterRef("pk")).values("seen_at")[:1]
    children = list(
        qs.annotate(grades_seen_at=Subquery(seen)).order_by("left_on", "user__first_name", "pk")
    )
    return children, choose_child(request, children, student_id=student_id)


def family_children_probed(
    request: HttpRequest, *, student_id: int | None = None
) -> tuple[list[Student], Student | None]:
    """``family_children`` for the grades page: the same choice, from one hand-written
    query that also carries each student's policy and cache stamp (see ``page_cache``)."""
    user = request.user
    if not isinstance(user, User) or user.kind not in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        return [], None
    children = page_cache.probe_children(user)
    return children, choose_child(request, children, student_id=student_id)


def choose_child(
    request: HttpRequest, children: list[Student], *, student_id: int | None = None
) -> Student | None:
    """The chosen child: ``student_id`` or ``?uczen=<id>`` if it is one of ``children``, else
    the dashboard's child switcher (session), else the first child. A guardian's explicit
    choice is remembered in the session."""
    user = request.user
    wanted: Any = student_id or request.GET.get("uczen") or request.session.get(SESSION_KEY)
    try:
        wanted_id = int(wanted) if wanted is not None else None
    except (TypeError, ValueError):
        wanted_id = None
    selected = next((c for c in children if c.pk == wanted_id), None)
    if selected is None and children:
        selected = children[0]
    switched = selected is not None and request.session.get(SESSION_KEY) != selected.pk
    asked = student_id is not None or request.GET.get("uczen")
    if switched and asked and getattr(user, "kind", None) == User.Kind.GUARDIAN:
        assert selected is not None
        request.session[SESSION_KEY] = selected.pk
    return selected


# --- A student's grades (family page and API) ----------------------------------------------


@dataclass
class MarkView:
    grade: Grade
    weight: Decimal
    counts: bool
    is_new: bool
    correction: Grade | None = None  # the mark correcting this one
    url: str = ""  # the mark's detail page (filled by ``with_urls``)

    @property
    def category(self) -> GradeCategory | None:
        return self.grade.column.category if self.grade.column is not None else None


@dataclass
class TermView:
    number: int
    marks: list[MarkView] = field(default_factory=list)
    average: Decimal | None = None
    suggested: int | None = None
    proposed: Grade | None = None
    final: Grade | None = None


@dataclass
class SubjectView:
    course: Course
    terms: list[TermView]
    year_average: Decimal | None = None
    year_suggested: int | None = None
    proposed_annual: Grade | None = None
    final_annual: Grade | None = None
    new_count: int = 0


@dataclass
class StudentGrades:
    student: Student
    policy: Policy
    subjects: list[SubjectView]
    overall: dict[str, Decimal | None]
    categories: list[GradeCategory]
    new_count: int
    seen_at: datetime.datetime | None

    @property
    def show_averages(self) -> bool:
        return self.policy.show_averages_to_family


def courses_of_student(student: Student) -> list[Course]:
    """The student's courses in the current school year — the whole class's and those of
    their groups — with subject and teacher (one query)."""
    groups = GroupMembership.objects.filter(student_id=student.pk).values("group_id")
    return list(
        Course.objects.filter(year__is_current=True, school_class_id=student.school_class_id)
        .filter(Q(group__isnull=True) | Q(group_id__in=groups))
        .select_related("subject", "teacher")
        .order_by("subject__name", "pk")
    )


def weighted(grade: Grade) -> WeightedMark:
    """A grade as the average sees it (category weight unless the column overrides it)."""
    column = grade.column
    if column is None:
        return WeightedMark(value=None, weight=Decimal(0), counts=False, id=grade.pk)
    return WeightedMark(
        value=grade.value,
        weight=column.effective_weight,
        counts=column.category.counts_toward_average,
        id=grade.pk,
        corrects=grade.corrects_id,
    )


def _mark_views(
    grades: Sequence[Grade], policy: Policy, seen_at: datetime.datetime | None
) -> list[MarkView]:
    corrections = {g.corrects_id: g for g in grades if g.corrects_id is not None}
    corrected_ids = frozenset(corrections)
    views = []
    for grade in grades:
        item = weighted(grade)
        weight = item.weight
        if grade.pk in corrected_ids and policy.correction_rule != CorrectionRule.BOTH:
            weight = Decimal(0)
        views.append(
            MarkView(
                grade=grade,
                weight=weight,
                counts=bool(item.counts and grade.value is not None and weight > 0),
                is_new=seen_at is not None and grade.created_at > seen_at,
                correction=corrections.get(grade.pk),
            )
        )
    return views


def student_grades(
    student: Student,
    *,
    seen_at: datetime.datetime | None = None,
    courses: Sequence[Course] | None = None,
    policy: Policy | None = None,
) -> StudentGrades:
    """Everything the family's grades page shows for one student, in two queries (courses,
    grades); the policy comes loaded with the student. ``seen_at``: marks created after it
    are flagged new (None: nothing is flagged — the first visit flags nothing either, since
    there is nothing to compare with)."""
    if policy is None:
        policy = policy_of_student(student)
    if courses is None:
        courses = courses_of_student(student)
    grades = list(
        Grade.objects.filter(
            student_id=student.pk,
            course_id__in=[c.pk for c in courses],
            deleted_at__isnull=True,
        )
        # Only what the page and the API show: hundreds of rows become model instances.
        .select_related("column__category")
        .only(*STUDENT_GRADE_FIELDS)
        .annotate(term_number=F("term__number"))
        .order_by("column__date", "created_at", "pk")
    )
    return build_student_grades(student, policy, courses, grades, seen_at)


STUDENT_GRADE_FIELDS = (
    "id",
    "school_id",
    "student_id",
    "course_id",
    "term_id",
    "kind",
    "column_id",
    "text",
    "value",
    "descriptive",
    "comment",
    "corrects_id",
    "created_at",
    "version",
    "column__id",
    "column__date",
    "column__description",
    "column__weight",
    "column__category_id",
    "column__category__id",
    "column__category__name",
    "column__category__weight",
    "column__category__counts_toward_average",
    "column__category__colour",
    "column__category__position",
)


def build_student_grades(
    student: Student,
    policy: Policy,
    courses: Sequence[Course],
    grades: Iterable[Grade],
    seen_at: datetime.datetime | None,
) -> StudentGrades:
    by_course: dict[int, list[Grade]] = defaultdict(list)
    for grade in grades:
        by_course[grade.course_id].append(grade)
    categories: dict[int, GradeCategory] = {}
    subjects: list[SubjectView] = []
    total_new = 0
    for course in courses:
        own = by_course.get(course.pk, [])
        terms = [TermView(number=1), TermView(number=2)]
        current: dict[int, list[Grade]] = {1: [], 2: []}
        view = SubjectView(course=course, terms=terms)
        for grade in own:
            number = getattr(grade, "term_number", None) or 0
            if grade.kind == Grade.Kind.CURRENT and number in current:
                current[number].append(grade)
                if grade.column is not None:
                    categories.setdefault(grade.column.category_id, grade.column.category)
            elif grade.kind == Grade.Kind.PROPOSED_TERM and number in current:
                terms[number - 1].proposed = grade
            elif grade.kind == Grade.Kind.FINAL_TERM and number in current:
                terms[number - 1].final = grade
            elif grade.kind == Grade.Kind.PROPOSED_ANNUAL:
                view.proposed_annual = grade
            elif grade.kind == Grade.Kind.FINAL_ANNUAL:
                view.final_annual = grade
        for term in terms:
            marks = current[term.number]
            term.marks = _mark_views(marks, policy, seen_at)
            term.average = weighted_average((weighted(g) for g in marks), policy)
            term.suggested = suggested_grade(term.average, policy)
            view.new_count += sum(1 for m in term.marks if m.is_new)
        year = current[1] + current[2]
        view.year_average = weighted_average((weighted(g) for g in year), policy)
        view.year_suggested = suggested_grade(view.year_average, policy)
        total_new += view.new_count
        subjects.append(view)
    overall = {
        "1": mean_of_averages(s.terms[0].average for s in subjects),
        "2": mean_of_averages(s.terms[1].average for s in subjects),
        "year": mean_of_averages(s.year_average for s in subjects),
    }
    return StudentGrades(
        student=student,
        policy=policy,
        subjects=subjects,
        overall=overall,
        categories=sorted(categories.values(), key=lambda c: (c.position, c.name)),
        new_count=total_new,
        seen_at=seen_at,
    )


def with_urls(data: StudentGrades, url_of: Any) -> StudentGrades:
    """Give every mark its detail URL from a pattern (one ``reverse`` per page, not per
    mark: reversing is a large part of rendering a page with hundreds of marks)."""
    pattern = url_of(0).rsplit("0", 1)
    for subject in data.subjects:
        graded = [subject.proposed_annual, subject.final_annual]
        for term in subject.terms:
            for mark in term.marks:
                mark.url = f"{pattern[0]}{mark.grade.pk}{pattern[1]}"
            graded += [term.proposed, term.final]
        for grade in graded:
            if grade is not None:  # term and annual grades: ``grade.url``
                setattr(grade, "url", f"{pattern[0]}{grade.pk}{pattern[1]}")  # noqa: B010
    return data


def newest_grade_at(data: StudentGrades) -> datetime.datetime | None:
    stamps = [m.grade.created_at for s in data.subjects for t in s.terms for m in t.marks]
    return max(stamps) if stamps else None


# --- Mark detail -----------------------------------------------------------------------------


@dataclass
class MarkDetail:
    grade: Grade
    corrected: Grade | None
    correction: Grade | None
    history: list[HistoryEntry]


def mark_detail(grade: Grade) -> MarkDetail:
    """One grade with what it corrects, its correction and the history of both (3 queries)."""
    correction = (
        Grade.objects.filter(corrects=grade, deleted_at__isnull=True)
        .select_related("created_by")
        .first()
    )
    ids = [grade.pk] + ([correction.pk] if correction else [])
    history = list(
        HistoryEntry.objects.filter(object_type=GRADE, object_id__in=ids).select_related("actor")
    )
    return MarkDetail(grade=grade, corrected=grade.corrects, correction=correction, history=history)


def grade_history(grade: Grade) -> list[HistoryEntry]:
    return history_for(object_type=GRADE, object_id=grade.pk)


# --- Teacher: a course's sheet for a term --------------------------------------------------


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
        .select_related("column__category")
        .order_by("created_at", "pk")
    )
    columns_by_id: dict[int, GradeColumn] = {}
    by_student: dict[int, list[Grade]] = defaultdict(list)
    for grade in grades:
        by_student[grade.student_id].append(grade)
        if grade.column is not None and grade.term_id == term.pk:
            columns_by_id.setdefault(grade.column.pk, grade.column)
    # Columns without any mark yet still show.
    for column in GradeColumn.objects.filter(course=course, term=term).select_related("category"):
        columns_by_id.setdefault(column.pk, column)
    columns = sorted(columns_by_id.values(), key=lambda c: (c.date, c.pk))
    rows = []
    for student in students:
        own = by_student.get(student.pk, [])
        cells = {c.pk: SheetCell() for c in columns}
        row = SheetRow(student, [], None, None, None, None)
        term_marks = []
        year_marks = []
        for grade in own:
            if grade.kind == Grade.Kind.CURRENT:
                year_marks.append(grade)
                if grade.term_id == term.pk:
                    term_marks.append(grade)
                    cell = cells.get(grade.column_id or 0)
                    if cell is not None:
                        if grade.corrects_id is None:
                            cell.grade = grade
                        else:
                            cell.correction = grade
            elif grade.kind == Grade.Kind.PROPOSED_TERM and grade.term_id == term.pk:
                row.proposed = grade
            elif grade.kind == Grade.Kind.FINAL_TERM and grade.term_id == term.pk:
                row.final = grade
            elif grade.kind == Grade.Kind.PROPOSED_ANNUAL:
                row.proposed_annual = grade
            elif grade.kind == Grade.Kind.FINAL_ANNUAL:
                row.final_annual = grade
        row.cells = [cells[c.pk] for c in columns]
        row.average = weighted_average((weighted(g) for g in term_marks), policy)
        row.suggested = suggested_grade(row.average, policy)
        row.year_average = weighted_average((weighted(g) for g in year_marks), policy)
        row.year_suggested = suggested_grade(row.year_average, policy)
        rows.append(row)
    return Sheet(
        course=course,
        term=term,
        terms=terms,
        columns=columns,
        rows=rows,
        policy=policy,
        categories=categories,
        descriptive=course.school_class.level <= policy.descriptive_up_to_level,
    )


def teacher_courses(user: Any) -> list[Course]:
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


# --- Class overview (homeroom teacher, principal) ------------------------------------------


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
