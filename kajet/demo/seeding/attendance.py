"""Demo/benchmark data: held lessons with topics from the timetable, from the start of the
current term (or year) up to today, with realistic marks (about 92% present; some late,
released, absent and excused) and a few excuses waiting for the homeroom teacher; the demo
school also gets one school-defined type ("wycieczka szkolna", counted as present) in use.

Bulk-inserted and deterministic. For the benchmark scales (xs/s/m/l) only the last
``BENCH_WEEKS`` weeks are held: the earlier lessons of the term stay untaken for the write
benchmarks (bench/attendance_burst.py, bench/peak.py), and L loads well inside its 5 minutes
(ADR 13); the demo school gets the whole term. Timetable changes (substitutions,
cancellations) are not replayed: every planned lesson counts as held by the course teacher.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from kajet.accounts.models import User
from kajet.attendance import services, stats
from kajet.attendance.models import AttendanceMark, AttendanceType, Lesson
from kajet.attendance.selectors import excusable_marks
from kajet.core.models import School
from kajet.demo.seeding.rows import insert_rows
from kajet.demo.seeding.school import SeededSchool
from kajet.school.models import (
    Course,
    GroupMembership,
    Guardianship,
    LessonPeriod,
    Student,
    Term,
)
from kajet.timetable.models import TimetableEntry, TimetablePlan
from kajet.timetable.rules import dates_between
from kajet.timetable.selectors import days_off

BENCH_WEEKS = 4

TOPICS = (
    "Wprowadzenie do nowego działu",
    "Rozwiązywanie zadań",
    "Praca z tekstem",
    "Ćwiczenia utrwalające",
    "Powtórzenie wiadomości",
    "Sprawdzian",
    "Omówienie sprawdzianu",
    "Praca w grupach",
    "Projekt: prezentacja wyników",
    "Lekcja z kartą pracy",
)


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    rng = random.Random(f"attendance:{seeded.key}:{scale}")
    school = seeded.school
    year = seeded.year
    term = Term.objects.filter(year=year, starts_on__lte=today).order_by("-starts_on").first()
    start = term.starts_on if term else year.starts_on
    if scale != "demo":
        start = max(start, today - datetime.timedelta(weeks=BENCH_WEEKS, days=-1))
    end = min(today, year.ends_on)
    if end < start:
        return
    plans = list(TimetablePlan.objects.filter(school=school, year=year).order_by("valid_from"))
    if not plans:
        return
    entries_by_plan_day: dict[tuple[int, int], list[TimetableEntry]] = defaultdict(list)
    for entry in (
        TimetableEntry.objects.filter(plan__in=plans)
        .select_related("course")
        .order_by(*TimetableEntry._meta.ordering, "pk")
    ):
        entries_by_plan_day[(entry.plan_id, entry.weekday)].append(entry)

    types = services.attendance_types_for(school)
    by_kind = {kind: services.standard_type(types, kind) for kind in stats.KINDS}

    # In the models' order with the id (the order they were created in) for ties, whatever
    # order the database returns them in: the random stream follows the rosters (ADR 13).
    students_by_class: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for sid, class_id in (
        Student.objects.filter(school=school, left_on__isnull=True)
        .order_by(*Student._meta.ordering, "pk")
        .values_list("pk", "school_class_id")
    ):
        students_by_class[class_id].append((sid, seeded.student_key(sid)))
    members: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for group_id, sid in (
        GroupMembership.objects.filter(school=school)
        .order_by("pk")
        .values_list("group_id", "student_id")
    ):
        members[group_id].append((sid, seeded.student_key(sid)))

    lessons, rows = _lessons(school, plans, entries_by_plan_day, start, end, rng)
    if not lessons:
        return
    ids = insert_rows(Lesson, LESSON_COLUMNS, rows, with_ids=True)

    recent = today - datetime.timedelta(days=6)
    marks = _marks(school.pk, lessons, ids, members, students_by_class, by_kind, recent, rng)
    insert_rows(AttendanceMark, MARK_COLUMNS, marks)

    if scale == "demo":
        _school_trip(school)
        _pending_excuses(school, recent, today)


#: The columns of the rows ``_lessons`` builds.
LESSON_COLUMNS = ("school_id", "course_id", "date", "period_id", "topic", "teacher_id")


def _lessons(
    school: School,
    plans: list[TimetablePlan],
    entries_by_plan_day: dict[tuple[int, int], list[TimetableEntry]],
    start: datetime.date,
    end: datetime.date,
    rng: random.Random,
) -> tuple[list[tuple[Course, datetime.date]], list[tuple[Any, ...]]]:
    """The lessons held from ``start`` to ``end`` by the plan valid on each school day; today
    only the lessons that have begun by the time the demo is loaded: (course, date) of each,
    and its row of ``LESSON_COLUMNS``."""
    off = days_off(school, start, end)
    begun = {
        pk
        for pk, starts in LessonPeriod.objects.filter(school=school).values_list("pk", "starts_at")
        if starts <= timezone.localtime().time()
    }
    lessons: list[tuple[Course, datetime.date]] = []
    rows: list[tuple[Any, ...]] = []
    for day in dates_between(start, end):
        plan = next((p for p in reversed(plans) if p.valid_from <= day), None)
        if day.weekday() >= 5 or day in off or plan is None:
            continue
        for entry in entries_by_plan_day.get((plan.pk, day.weekday()), []):
            if day == timezone.localdate() and entry.period_id not in begun:
                continue
            course = entry.course
            lessons.append((course, day))
            rows.append(
                (
                    school.pk,
                    course.pk,
                    day,
                    entry.period_id,
                    rng.choice(TOPICS),
                    course.teacher_id,
                )
            )
    return lessons, rows


def _mark_kind(rng: random.Random, *, sick: bool, excused: bool) -> str:
    """A student away ill the whole day is absent (older absences mostly excused by now);
    otherwise a few are late, released or absent for one lesson."""
    if sick:
        return stats.EXCUSED if excused else stats.ABSENT
    r = rng.random()
    for limit, kind in ((0.025, stats.LATE), (0.035, stats.RELEASED), (0.045, stats.ABSENT)):
        if r < limit:
            return kind
    return stats.PRESENT


#: The columns of the rows ``_marks`` builds.
MARK_COLUMNS = ("school_id", "lesson_id", "student_id", "type_id")


def _marks(
    school_id: int,
    lessons: list[tuple[Course, datetime.date]],
    lesson_ids: list[int],
    members: dict[int, list[tuple[int, int]]],
    students_by_class: dict[int, list[tuple[int, int]]],
    by_kind: dict[str, AttendanceType],
    recent: datetime.date,
    rng: random.Random,
) -> list[tuple[int, int, int, int]]:
    """Every student's mark of every lesson (rows of ``MARK_COLUMNS``); rosters are
    (student id, key) pairs. Whole days away ill: about 4% of school days."""
    ill: dict[tuple[int, datetime.date], bool] = {}
    type_ids = {kind: t.pk for kind, t in by_kind.items()}
    marks: list[tuple[int, int, int, int]] = []
    for (course, day), lesson_id in zip(lessons, lesson_ids, strict=True):
        roster = (
            members[course.group_id]
            if course.group_id
            else students_by_class[course.school_class_id]
        )
        before_recent = day < recent
        ordinal = day.toordinal()
        for sid, key in roster:
            sick = ill.get((sid, day))
            if sick is None:
                sick = ill[(sid, day)] = rng.random() < 0.04
            # older absences are mostly excused by now; the last week's are not yet
            excused = before_recent and (key + ordinal) % 10 < 7
            kind = _mark_kind(rng, sick=sick, excused=excused)
            marks.append((school_id, lesson_id, sid, type_ids[kind]))
    return marks


def _school_trip(school: School) -> None:
    """A school-defined type for the demo: "wycieczka szkolna" (counted as present), used for
    every present mark of the first class on its first school day with one."""
    trip = AttendanceType.objects.create(
        school=school,
        name="wycieczka szkolna",
        code="wy",
        kind=stats.PRESENT,
        colour="#fde047",
        order=len(stats.KINDS),
    )
    present = AttendanceMark.objects.filter(
        school=school, type__kind=stats.PRESENT, type__is_standard=True
    )
    # The first day with a present mark (the random marks may leave a small class's first day
    # absent only): its class's present marks of that day become the trip.
    first = present.order_by("lesson__course__school_class_id", "lesson__date").values(
        "lesson__course__school_class_id", "lesson__date"
    )[:1]
    for day in first:
        present.filter(
            lesson__date=day["lesson__date"],
            lesson__course__school_class_id=day["lesson__course__school_class_id"],
        ).update(type=trip)


def _pending_excuses(school: object, since: datetime.date, today: datetime.date) -> None:
    """A few excuses sent by guardians for last week's absences (through the real service,
    so the homeroom teachers get the messages)."""
    absences = (
        AttendanceMark.objects.filter(
            school=school, type__kind=stats.ABSENT, lesson__date__gte=since
        )
        .order_by("student_id", "lesson__date")
        .values_list("pk", "student_id")
    )
    by_student: dict[int, list[int]] = defaultdict(list)
    for pk, sid in absences:
        by_student[sid].append(pk)
    sent = 0
    for sid, mark_ids in by_student.items():
        if sent >= 3:
            break
        guardianship = (
            Guardianship.objects.filter(student_id=sid).select_related("guardian").first()
        )
        if guardianship is None:
            continue
        student = Student.objects.select_related("user", "school_class__homeroom_teacher").get(
            pk=sid
        )
        try:
            services.excuse_submit(
                actor=guardianship.guardian,
                student=student,
                mark_ids=mark_ids[:6],
                reason="Choroba — infekcja, dziecko zostało w domu.",
                today=today,
            )
        except ValidationError:
            continue
        sent += 1


def excuse_waiting_from(*, guardian: User, student: Student, today: datetime.date) -> None:
    """One excuse from ``guardian`` waiting for the homeroom teacher of ``student`` (the demo
    family's): for the student's unexcused absences within the school's deadline — or, when
    there are none, for their last school day before ``today`` with lessons held, which is
    then an absence (a day at home ill)."""
    policy = services.policy_for(student.school_id)
    since = today - datetime.timedelta(days=policy.excuse_deadline_days)
    marks = [m.pk for m in excusable_marks(student, since)]
    if not marks:
        last_day = (
            AttendanceMark.objects.filter(
                student=student, lesson__date__gte=since, lesson__date__lt=today
            )
            .order_by("-lesson__date")
            .values_list("lesson__date", flat=True)
            .first()
        )
        if last_day is None:
            return
        absent = services.standard_type(services.attendance_types_for(student.school), stats.ABSENT)
        day_marks = AttendanceMark.objects.filter(student=student, lesson__date=last_day)
        day_marks.update(type=absent)
        marks = list(day_marks.values_list("pk", flat=True))
    services.excuse_submit(
        actor=guardian,
        student=Student.objects.select_related("user", "school_class__homeroom_teacher").get(
            pk=student.pk
        ),
        mark_ids=marks,
        reason="Dziecko było przeziębione i zostało w domu. Proszę o usprawiedliwienie.",
        today=today,
    )
