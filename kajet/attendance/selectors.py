"""Page-shaped reads with a fixed number of queries, whatever the number of marks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from kajet.attendance import colours, stats
from kajet.attendance import excuses as rules
from kajet.attendance.models import AttendanceMark, Excuse, ExcuseItem, Lesson
from kajet.school.models import Course, LessonPeriod, SchoolClass, SchoolYear, Student, Term
from kajet.timetable.selectors import LessonOccurrence, teacher_lessons_held_on


def roster_for(course: Course, day: datetime.date) -> list[Student]:
    """The course's students enrolled on ``day``, in class-list order (one query)."""
    qs = Student.objects.filter(school_class_id=course.school_class_id, enrolled_on__lte=day)
    if course.group_id:
        qs = qs.filter(memberships__group_id=course.group_id)
    qs = qs.filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
    return list(qs.select_related("user").order_by("class_number"))


def lesson_at(course: Course, day: datetime.date, period: LessonPeriod) -> Lesson | None:
    return (
        Lesson.objects.filter(course=course, date=day, period=period)
        .select_related("teacher")
        .first()
    )


def marks_of(lesson: Lesson | None) -> dict[int, AttendanceMark]:
    if lesson is None:
        return {}
    return {m.student_id: m for m in AttendanceMark.objects.filter(lesson=lesson)}


@dataclass
class DayLesson:
    """A row of the teacher's day: a timetable lesson or an extra lesson already held."""

    course_id: int
    period_id: int
    period_number: int
    starts_at: datetime.time | None
    subject_name: str
    target_name: str
    status: str
    lesson: Lesson | None = None


def teacher_day(user: Any, day: datetime.date) -> list[DayLesson]:
    """The teacher's lessons on ``day`` from the timetable (substitutions included) and any
    extra lessons they held, each with its held Lesson when attendance was taken."""
    occurrences: list[LessonOccurrence] = teacher_lessons_held_on(user, day)
    held = list(
        Lesson.objects.filter(date=day)
        .filter(
            Q(teacher=user)
            | Q(
                course_id__in=[o.course_id for o in occurrences],
                period_id__in=[o.period_id for o in occurrences],
            )
        )
        .select_related("course__subject", "course__school_class", "course__group", "period")
    )
    by_slot = {(lesson.course_id, lesson.period_id): lesson for lesson in held}
    rows = [
        DayLesson(
            course_id=o.course_id,
            period_id=o.period_id,
            period_number=o.period_number,
            starts_at=o.starts_at,
            subject_name=o.subject_name,
            target_name=o.target_name,
            status=o.status,
            lesson=by_slot.pop((o.course_id, o.period_id), None),
        )
        for o in occurrences
    ]
    for lesson in by_slot.values():
        if lesson.teacher_id != user.pk:
            continue
        course = lesson.course
        rows.append(
            DayLesson(
                course_id=course.pk,
                period_id=lesson.period_id,
                period_number=lesson.period.number,
                starts_at=lesson.period.starts_at,
                subject_name=course.subject.name,
                target_name=str(course.group or course.school_class),
                status="extra",
                lesson=lesson,
            )
        )
    rows.sort(key=lambda r: r.period_number)
    return rows


# --- Family -----------------------------------------------------------------------------------


def current_year(school_id: int) -> SchoolYear | None:
    return SchoolYear.objects.filter(school_id=school_id, is_current=True).first()


def terms_of(year: SchoolYear | None) -> list[Term]:
    if year is None:
        return []
    return list(Term.objects.filter(year=year).order_by("number"))


@dataclass
class MarkRow:
    mark_id: int
    date: datetime.date
    period_number: int
    subject_id: int
    subject_name: str
    code: str
    colour: str
    type_name: str
    kind: str

    @property
    def text_colour(self) -> str:
        return colours.text_colour_for(self.colour)


def marks_for_student(student: Student, start: datetime.date, end: datetime.date) -> list[MarkRow]:
    """The student's marks between start and end as plain rows (one query)."""
    rows = (
        AttendanceMark.objects.filter(
            student=student, lesson__date__gte=start, lesson__date__lte=end
        )
        .order_by("lesson__date", "lesson__period__number")
        .values_list(
            "pk",
            "lesson__date",
            "lesson__period__number",
            "lesson__course__subject_id",
            "lesson__course__subject__name",
            "type__code",
            "type__colour",
            "type__name",
            "type__kind",
        )
    )
    return [MarkRow(*row) for row in rows]


@dataclass
class SubjectStats:
    subject_name: str
    by_term: dict[int, stats.Summary] = field(default_factory=dict)
    year: stats.Summary = field(default_factory=stats.Summary)
    can_miss: int | None = None
    term_list: list[stats.Summary] = field(default_factory=list)


@dataclass
class StudentStatistics:
    terms: list[Term]
    subjects: list[SubjectStats]
    total_by_term: dict[int, stats.Summary]
    total: stats.Summary
    threshold: int
    total_term_list: list[stats.Summary] = field(default_factory=list)


def student_statistics(rows: list[MarkRow], terms: list[Term], threshold: int) -> StudentStatistics:
    """Statistics per subject, per term and for the year from already loaded rows (no
    queries): counts per kind, percentages and how many more lessons may be missed."""
    subjects: dict[int, SubjectStats] = {}
    total_by_term: dict[int, stats.Summary] = {t.number: stats.Summary() for t in terms}
    total = stats.Summary()
    for row in rows:
        entry = subjects.get(row.subject_id)
        if entry is None:
            entry = subjects[row.subject_id] = SubjectStats(
                row.subject_name, {t.number: stats.Summary() for t in terms}
            )
        entry.year.add(row.kind)
        total.add(row.kind)
        for term in terms:
            if term.starts_on <= row.date <= term.ends_on:
                entry.by_term[term.number].add(row.kind)
                total_by_term[term.number].add(row.kind)
    ordered = sorted(subjects.values(), key=lambda s: s.subject_name)
    for entry in ordered:
        entry.can_miss = entry.year.can_still_miss(threshold)
        entry.term_list = [entry.by_term[t.number] for t in terms]
    return StudentStatistics(
        terms,
        ordered,
        total_by_term,
        total,
        threshold,
        [total_by_term[t.number] for t in terms],
    )


@dataclass
class WeekGrid:
    days: list[datetime.date]
    periods: list[int]
    cells: dict[tuple[datetime.date, int], list[MarkRow]]

    def rows(self) -> list[tuple[int, list[list[MarkRow]]]]:
        return [(p, [self.cells.get((d, p), []) for d in self.days]) for p in self.periods]


def week_grid(rows: list[MarkRow], monday: datetime.date) -> WeekGrid:
    days = [monday + datetime.timedelta(days=i) for i in range(5)]
    in_week = [r for r in rows if days[0] <= r.date <= days[-1]]
    cells: dict[tuple[datetime.date, int], list[MarkRow]] = defaultdict(list)
    for r in in_week:
        cells[(r.date, r.period_number)].append(r)
    periods = sorted({r.period_number for r in in_week})
    return WeekGrid(days, periods, dict(cells))


def excusable_marks(student: Student, since: datetime.date) -> list[AttendanceMark]:
    """The student's unexcused absences since ``since`` not waiting in an excuse (1 query)."""
    waiting = ExcuseItem.objects.filter(excuse__status=rules.PENDING).values("mark_id")
    return list(
        AttendanceMark.objects.filter(
            student=student, type__kind=stats.ABSENT, lesson__date__gte=since
        )
        .exclude(pk__in=waiting)
        .select_related("lesson__course__subject", "lesson__period", "type")
        .order_by("lesson__date", "lesson__period__number")
    )


def excuses_for_student(student: Student) -> list[Excuse]:
    return list(
        Excuse.objects.filter(student=student)
        .select_related("submitted_by", "decided_by")
        .prefetch_related("items__mark__lesson__course__subject", "items__mark__lesson__period")
    )


def excuse_items(excuse: Excuse) -> list[ExcuseItem]:
    return list(
        excuse.items.select_related(
            "mark__type", "mark__lesson__course__subject", "mark__lesson__period"
        ).order_by("mark__lesson__date", "mark__lesson__period__number")
    )


# --- Staff overviews --------------------------------------------------------------------------


def _summaries(qs: QuerySet[AttendanceMark], key: str) -> dict[int, stats.Summary]:
    """Summaries per ``key`` (e.g. "student_id") from one GROUP BY query."""
    result: dict[int, stats.Summary] = defaultdict(stats.Summary)
    for group_id, kind, n in qs.values_list(key, "type__kind").annotate(n=Count("pk")).order_by():
        result[group_id].add(kind, n)
    return result


@dataclass
class StudentSummaryRow:
    student: Student
    summary: stats.Summary


def class_overview(school_class: SchoolClass) -> list[StudentSummaryRow]:
    students = list(
        Student.objects.filter(school_class=school_class, left_on__isnull=True)
        .select_related("user")
        .order_by("class_number")
    )
    sums = _summaries(
        AttendanceMark.objects.filter(student__school_class=school_class), "student_id"
    )
    return [StudentSummaryRow(s, sums.get(s.pk, stats.Summary())) for s in students]


def course_overview(course: Course) -> tuple[list[StudentSummaryRow], list[Lesson]]:
    students = roster_for(course, datetime.date.max)
    sums = _summaries(AttendanceMark.objects.filter(lesson__course=course), "student_id")
    lessons = list(
        Lesson.objects.filter(course=course)
        .select_related("period", "teacher")
        .order_by("-date", "-period__number")[:30]
    )
    return [StudentSummaryRow(s, sums.get(s.pk, stats.Summary())) for s in students], lessons


@dataclass
class ClassSummaryRow:
    school_class: SchoolClass
    summary: stats.Summary
    pending: int


def school_overview(school_id: int) -> list[ClassSummaryRow]:
    classes = list(
        SchoolClass.objects.filter(school_id=school_id, year__is_current=True)
        .select_related("homeroom_teacher")
        .order_by("level", "name")
    )
    sums = _summaries(
        AttendanceMark.objects.filter(student__school_class__in=classes), "student__school_class_id"
    )
    pending = dict(
        Excuse.objects.filter(status=rules.PENDING, student__school_class__in=classes)
        .values_list("student__school_class_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        ClassSummaryRow(c, sums.get(c.pk, stats.Summary()), pending.get(c.pk, 0)) for c in classes
    ]


def excuse_queue(user: Any) -> list[Excuse]:
    """Excuses waiting for the homeroom teacher's decision, oldest first."""
    return list(
        Excuse.objects.filter(status=rules.PENDING, student__school_class__homeroom_teacher=user)
        .select_related("student__user", "student__school_class", "submitted_by")
        .annotate(n_items=Count("items"))
        .order_by("created_at")
    )


def homeroom_classes(user: Any) -> list[SchoolClass]:
    return list(SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True))


def courses_taught(user: Any) -> list[Course]:
    return list(
        Course.objects.filter(teacher=user, year__is_current=True).select_related(
            "subject", "school_class", "group"
        )
    )
