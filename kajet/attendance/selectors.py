"""Page-shaped reads with a fixed number of queries, whatever the number of marks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, FilteredRelation, Min, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kajet.accounts.models import User
from kajet.attendance import colours, stats
from kajet.attendance import excuses as rules
from kajet.attendance.models import AttendanceMark, AttendancePolicy, Excuse, ExcuseItem, Lesson
from kajet.core.collation import polish_key
from kajet.core.models import same_school
from kajet.school.models import Course, LessonPeriod, SchoolClass, SchoolYear, Student, Term
from kajet.school.selectors import ClassKey
from kajet.timetable.caching import school_cached
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


def teacher_day(user: User, day: datetime.date) -> list[DayLesson]:
    """The teacher's lessons on ``day`` from the timetable (substitutions included) and any
    extra lessons they held, each with its held Lesson when attendance was taken."""
    # The day's plan with its changes moves the school's version on every write, so it is
    # kept per teacher and day (docs/adr/0012-landing-pages-cache.md); what was held is read.
    occurrences: list[LessonOccurrence] = school_cached(
        user, ("held", user.pk, day), lambda: teacher_lessons_held_on(user, day)
    )
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

    def as_tuple(self) -> tuple[object, ...]:
        """Every field, in order (what the page's cache key digests)."""
        return (
            self.mark_id,
            self.date,
            self.period_number,
            self.subject_id,
            self.subject_name,
            self.code,
            self.colour,
            self.type_name,
            self.kind,
        )


def marks_for_student(student: Student, start: datetime.date, end: datetime.date) -> list[MarkRow]:
    """The student's marks between start and end (both included) as plain rows (one
    query, led by the student's marks)."""
    # "not after end" rather than "on or before end": with a two-sided range on the lesson's
    # date SQLite (under the school scope's filter) walked every lesson of the school in the
    # range through the (school, date) index and probed each for the student's mark — 3.3 ms
    # of the family attendance page's CPU on dataset M against 0.2 ms through the student's
    # marks (docs/adr/0015-family-attendance-page-cache.md). A negated bound is not an index
    # range, so the student's own marks lead; the rows are the same.
    rows = (
        AttendanceMark.objects.filter(
            Q(lesson__date__gte=start) & ~Q(lesson__date__gt=end), student=student
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
    ordered = sorted(subjects.values(), key=lambda s: polish_key(s.subject_name))
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
    rows = qs.filter(same_school("type")).values_list(key, "type__kind").annotate(n=Count("pk"))
    for group_id, kind, n in rows.order_by():
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
        SchoolClass.objects.filter(same_school("year"), school_id=school_id, year__is_current=True)
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


def excuse_queue(user: User) -> list[Excuse]:
    """Excuses waiting for the homeroom teacher's decision, oldest first."""
    return list(
        Excuse.objects.filter(status=rules.PENDING, student__school_class__homeroom_teacher=user)
        .select_related("student__user", "student__school_class", "submitted_by")
        .annotate(n_items=Count("items"))
        .order_by("created_at")
    )


def homeroom_classes(user: User) -> list[SchoolClass]:
    return list(SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True))


def courses_taught(user: User) -> list[Course]:
    return list(
        Course.objects.filter(teacher=user, year__is_current=True).select_related(
            "subject", "school_class", "group"
        )
    )


# --- Lessons held, for the family ("Realizacja") -------------------------------------------------

#: How many lessons the family's list shows (newest first).
LESSONS_LIMIT = 300


@dataclass
class FamilyLesson:
    lesson: Lesson
    code: str | None
    type_name: str | None
    colour: str | None
    kind: str | None

    @property
    def text_colour(self) -> str:
        return colours.text_colour_for(self.colour or "#ffffff")


@dataclass
class FamilyLessons:
    subjects: list[tuple[int, str]]
    lessons: list[FamilyLesson]
    truncated: bool


def student_courses(student: Student) -> QuerySet[Course]:
    """The courses of the current year a student attends: their class's whole-class courses
    and their groups' courses."""
    return Course.objects.filter(
        Q(school_class_id=student.school_class_id, group__isnull=True)
        | Q(group__memberships__student=student),
        year__is_current=True,
    ).distinct()


def lessons_for_student(student: Student, *, subject_id: int | None = None) -> FamilyLessons:
    """The lessons held in the student's courses this year, newest first: date, period,
    subject, topic, who held it and the student's attendance at each (2 queries)."""
    courses = list(student_courses(student).select_related("subject").order_by("subject__name"))
    names = {(c.subject_id, c.subject.name) for c in courses}
    subjects = sorted(names, key=lambda s: polish_key(s[1]))
    chosen = [c.pk for c in courses if subject_id is None or c.subject_id == subject_id]
    rows = list(
        Lesson.objects.filter(course_id__in=chosen)
        .select_related("course__subject", "period", "teacher")
        # The student's one mark at each lesson (unique per lesson and student): a LEFT JOIN.
        .annotate(own=FilteredRelation("marks", condition=Q(marks__student=student)))
        .annotate(
            mark_code=F("own__type__code"),
            mark_name=F("own__type__name"),
            mark_colour=F("own__type__colour"),
            mark_kind=F("own__type__kind"),
        )
        .order_by("-date", "-period__number", "-pk")[: LESSONS_LIMIT + 1]
    )
    lessons = [
        FamilyLesson(
            row,
            row.mark_code,
            row.mark_name,
            row.mark_colour,
            row.mark_kind,
        )
        for row in rows[:LESSONS_LIMIT]
    ]
    return FamilyLessons(subjects, lessons, len(rows) > LESSONS_LIMIT)


# --- Home page panels ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DayAttendance:
    """The school's attendance taken on one day: marks per base kind and the lessons."""

    summary: stats.Summary
    lessons: int


def school_day_attendance(day: datetime.date) -> DayAttendance:
    """The marks of every lesson held on ``day`` in the current school scope, counted per
    base kind, and the number of those lessons — one aggregate query, whatever the size.
    The day's lessons are read through an index led by the school (``same_school``)."""
    counts = AttendanceMark.objects.filter(
        same_school("lesson", "type"), lesson__date=day
    ).aggregate(
        lessons=Count("lesson_id", distinct=True),
        **{kind: Count("pk", filter=Q(type__kind=kind)) for kind in stats.KINDS},
    )
    summary = stats.Summary()
    for kind in stats.KINDS:
        summary.add(kind, counts[kind] or 0)
    lessons = counts["lessons"] or 0
    return DayAttendance(summary=summary, lessons=lessons)


@dataclass(frozen=True)
class WaitingExcuses:
    count: int
    oldest: datetime.datetime | None


def excuses_waiting(*, homeroom_teacher: User | None = None) -> WaitingExcuses:
    """Excuses waiting for a decision — of the classes ``homeroom_teacher`` leads this year,
    or (None) of the whole school in scope — with the oldest one's time (one query)."""
    qs = Excuse.objects.filter(status=rules.PENDING)
    if homeroom_teacher is not None:
        qs = qs.filter(
            student__school_class__homeroom_teacher=homeroom_teacher,
            student__school_class__year__is_current=True,
        )
    found = qs.aggregate(count=Count("pk"), oldest=Min("created_at"))
    return WaitingExcuses(count=found["count"] or 0, oldest=found["oldest"])


def students_under_threshold_by_class() -> tuple[dict[ClassKey, set[int]], int | None]:
    """(class → the enrolled students whose attendance this school year is under the
    school's threshold, that threshold — None when nobody is under it), in the current
    school scope: ONE GROUP BY query with the same counting rule as ``stats.Summary`` (late
    attends; released does not count). The policy's threshold is read inside the query
    (the school's row, else the model's default), so the home page pays no extra query.
    Every joined table is restricted to the school (``same_school``): the query reads the
    school's marks, lessons and students through indexes led by the school, not every
    school's lessons and students (issue 17)."""
    default = AttendancePolicy._meta.get_field("threshold_percent").get_default()
    threshold = Coalesce(
        Subquery(AttendancePolicy.objects.values("threshold_percent")[:1]), Value(default)
    )
    rows = (
        AttendanceMark.objects.filter(
            same_school(
                "lesson",
                "lesson__course",
                "lesson__course__year",
                "student",
                "student__school_class",
                "type",
            ),
            lesson__course__year__is_current=True,
            student__left_on__isnull=True,
        )
        .values_list(*ClassKey.FIELDS, "student_id")
        .annotate(
            attended_100=Count("pk", filter=Q(type__kind__in=stats.ATTENDED)) * 100,
            counted=Count("pk", filter=~Q(type__kind=stats.RELEASED)),
            threshold=threshold,
        )
        # HAVING: only the students under the threshold come back (0: no threshold).
        .filter(counted__gt=0, attended_100__lt=F("counted") * F("threshold"))
        .values_list(*ClassKey.FIELDS, "student_id", "threshold")
        .order_by()
    )
    found: dict[ClassKey, set[int]] = defaultdict(set)
    percent = None
    for pk, level, name, student_id, threshold_of_row in rows:
        found[ClassKey(pk, level, name)].add(student_id)
        percent = threshold_of_row
    return dict(found), percent
