"""One student's grades by subject and term, a mark's detail and history."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q

from kajet.core.history import history_for
from kajet.core.models import HistoryEntry
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
)
from kajet.grades.scale import CorrectionRule, Policy
from kajet.grades.selectors.common import GRADE
from kajet.grades.selectors.family import policy_of_student
from kajet.school.models import Course, GroupMembership, Student


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
        .select_related("column__category", "column__scale")
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
    "column__scale_id",
    "column__scale__id",
    "column__scale__name",
    "column__scale__kind",
    "column__scale__symbols",
    "column__scale__thresholds",
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


@dataclass(frozen=True)
class BehaviourView:
    """A student's behaviour grades of their class's school year (6 wzorowe … 1 naganne):
    term I, term II and the annual one; None where the homeroom teacher has set none."""

    term_1: int | None = None
    term_2: int | None = None
    year: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.term_1, self.term_2, self.year))


#: The names under which ``page_cache.probe_children`` annotates a probed student with their
#: behaviour grades (so the family page reads them with the probe, in no extra query).
BEHAVIOUR_ANNOTATIONS = ("behaviour_1", "behaviour_2", "behaviour_year")


def student_behaviour(student: Student) -> BehaviourView:
    """The student's behaviour grades: from the probe's annotations when the student was
    probed (no query), else one query."""
    if all(hasattr(student, name) for name in BEHAVIOUR_ANNOTATIONS):
        return BehaviourView(*(getattr(student, name) for name in BEHAVIOUR_ANNOTATIONS))
    values: dict[int | None, int] = dict(
        BehaviourGrade.objects.filter(
            student_id=student.pk, year__classes=student.school_class_id
        ).values_list("term__number", "value")
    )
    return BehaviourView(values.get(1), values.get(2), values.get(None))


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
    """When the newest grade the page shows was added — current marks and the proposed and
    final term and annual grades alike: the home page lists every kind as new until the
    family has seen it here, so a visit must count for every kind."""
    stamps = [m.grade.created_at for s in data.subjects for t in s.terms for m in t.marks]
    for subject in data.subjects:
        shown = [subject.proposed_annual, subject.final_annual]
        shown += [g for t in subject.terms for g in (t.proposed, t.final)]
        stamps += [g.created_at for g in shown if g is not None]
    return max(stamps) if stamps else None


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
