"""Demo and benchmark grades: the default policy and categories, about five marks per
subject per term that has begun (a mix of categories, a few np/bz, some corrections),
proposed and final term grades and behaviour grades once the demo date has reached the
days they are given (``proposals_on``, ``classification_on``).

Deterministic (seeded ``random.Random``) and bulk: a 1,000-student school (~60k marks) is a
handful of large INSERTs. Seeded marks get one bulk history entry each ("created").
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kajet.core.models import HistoryEntry, School
from kajet.demo.seeding.rows import insert_objects, insert_rows
from kajet.demo.seeding.school import SeededSchool
from kajet.grades.averages import suggested_grade, weighted_average
from kajet.grades.mark_scales import Assignment, choose_scale
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
    GradeCategory,
    GradeColumn,
    GradesVisit,
    GradingPolicy,
    MarkScale,
    MarkScaleAssignment,
)
from kajet.grades.scale import Mark, Policy, graded_descriptively, parse_mark
from kajet.grades.selectors import weighted
from kajet.grades.services import GRADE, categories_ensure_defaults
from kajet.school.models import GroupMembership, Guardianship, Student, Term

MARKS_PER_TERM = 5
#: Category names of the defaults, in the order a term usually goes.
PLAN = ["Kartkówka", "Odpowiedź ustna", "Praca domowa", "Sprawdzian", "Aktywność"]
#: What a column of a category is about, for any subject.
TOPICS = {
    "Sprawdzian": ["Dział 1", "Dział 2", "Powtórzenie działu"],
    "Kartkówka": ["Z ostatniej lekcji", "Z trzech ostatnich lekcji"],
    "Odpowiedź ustna": ["", "Z ostatniej lekcji"],
    "Praca domowa": ["Ćwiczenia", "Karta pracy"],
    "Aktywność": ["", "Praca w grupach"],
}
_LANGUAGES = ("Język angielski", "Język niemiecki")
_SCIENCES = ("Matematyka", "Fizyka", "Chemia")
#: Descriptions that fit only some subjects: (category, description) → those subjects.
SUBJECT_TOPICS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Kartkówka", "Słówka"): _LANGUAGES,
    ("Kartkówka", "Wzory"): _SCIENCES,
    ("Kartkówka", "Daty"): ("Historia",),
    ("Kartkówka", "Mapa"): ("Geografia",),
    ("Odpowiedź ustna", "Lektura"): ("Język polski",),
    ("Odpowiedź ustna", "Zadanie przy tablicy"): _SCIENCES,
    ("Praca domowa", "Wypracowanie"): ("Język polski",),
    ("Praca domowa", "Projekt"): ("Technika", "Informatyka", "Biologia", "Przyroda"),
}
#: Descriptive term grades (classes I–III) by subject: each text speaks of its subject.
#: Religion has none: it is graded with marks in every class (``graded_descriptively``).
DESCRIPTIVE = {
    "Edukacja wczesnoszkolna": [
        "Czyta płynnie i ze zrozumieniem, poprawnie liczy w zakresie 100.",
        "Pisze starannie, zna tabliczkę mnożenia w zakresie 30; chętnie pracuje w grupie.",
        "Samodzielnie rozwiązuje zadania tekstowe; potrzebuje wsparcia w pisaniu ze słuchu.",
    ],
    "Język angielski": [
        "Zna słówka z poznanych rozdziałów i chętnie śpiewa piosenki po angielsku.",
        "Rozumie proste polecenia po angielsku; potrzebuje powtórek słownictwa.",
    ],
    "Wychowanie fizyczne": [
        "Sprawny ruchowo, chętnie bierze udział w grach zespołowych.",
        "Stara się starannie wykonywać ćwiczenia; pracuje nad koordynacją ruchową.",
    ],
}
#: The early years' scale for current marks (classes I–III; religion keeps marks, as the
#: level-wide assignment never reaches it — ``mark_scales.choose_scale``), best first, with
#: the lowest ability each symbol needs.
EARLY_SCALE = "Klasy 1–3: W/B/D/P/S/N"
EARLY_SYMBOLS = [
    ("W", "wspaniale — wykracza poza wymagania", 6, 5.3),
    ("B", "bardzo dobrze — opanował(a) w pełni", 5, 4.5),
    ("D", "dobrze — opanował(a) z drobnymi błędami", 4, 3.7),
    ("P", "poprawnie — opanował(a) podstawy", 3, 3.0),
    ("S", "słabo — potrzebuje pomocy", 2, 2.3),
    ("N", "nie opanował(a) — wymaga dalszej pracy", 1, 0.0),
]
EARLY_LEVELS = (1, 2, 3)


def _early_scale(school: School, seeded: SeededSchool) -> dict[int, MarkScale]:
    """The W/B/D/P/S/N scale for the early levels the school has; course id → scale."""
    levels = sorted({c.level for c in seeded.classes if c.level in EARLY_LEVELS})
    if not levels:
        return {}
    scale = MarkScale.objects.create(
        school=school,
        name=EARLY_SCALE,
        kind=MarkScale.Kind.SYMBOLS,
        symbols=[
            {"symbol": symbol, "meaning": meaning, "value": str(value)}
            for symbol, meaning, value, _minimum in EARLY_SYMBOLS
        ],
    )
    MarkScaleAssignment.objects.bulk_create(
        [MarkScaleAssignment(school=school, scale=scale, level=level) for level in levels]
    )
    assignments = [Assignment(scale.pk, level, None) for level in levels]
    level_of = {c.pk: c.level for c in seeded.classes}
    return {
        course.pk: scale
        for course in seeded.courses
        if choose_scale(
            assignments,
            level=level_of[course.school_class_id],
            subject_id=course.subject_id,
            subject_name=course.subject.name,
        )
        is not None
    }


def _early_symbol(ability: float) -> str:
    return next(symbol for symbol, _m, _v, minimum in EARLY_SYMBOLS if ability >= minimum)


#: Proposed term grades are given this many days before the term ends (the statute's
#: "one month before the classification meeting"), final ones at the classification meeting
#: this many days before the end; neither before the demo date reaches them.
PROPOSALS_DAYS_BEFORE_END = 30
CLASSIFICATION_DAYS_BEFORE_END = 7


def _school_day_before(day: datetime.date) -> datetime.date:
    while day.weekday() > 4:
        day -= datetime.timedelta(days=1)
    return day


def proposals_on(term: Term) -> datetime.date:
    """When the teachers give the proposed term grades of ``term``."""
    return _school_day_before(term.ends_on - datetime.timedelta(days=PROPOSALS_DAYS_BEFORE_END))


def classification_on(term: Term) -> datetime.date:
    """The classification meeting of ``term``: the final term grades are given that day."""
    return _school_day_before(
        term.ends_on - datetime.timedelta(days=CLASSIFICATION_DAYS_BEFORE_END)
    )


def _description(rng: random.Random, category: str, subject: str) -> str:
    fitting = [
        d for (c, d), subjects in SUBJECT_TOPICS.items() if c == category and subject in subjects
    ]
    return rng.choice(TOPICS[category] + fitting * 2)


def _mark_text(rng: random.Random, ability: float) -> str:
    """A mark around the student's ability (2.0 … 5.5) with the usual spread."""
    value = max(1.0, min(6.0, rng.gauss(ability, 0.9)))
    base = round(value)
    rest = value - base
    if 1 < base < 6 and rest > 0.2:
        return f"{base}+"
    if base > 1 and rest < -0.2:
        return f"{base}-"
    return str(base)


@dataclass(frozen=True)
class _Seeding:
    school: School
    rng: random.Random
    policy: Policy
    today: datetime.date
    now: datetime.datetime


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    school = seeded.school
    rng = random.Random(f"grades-{seeded.key}-{scale}")
    policy_row = GradingPolicy.objects.create(school=school, valueless_marks=["np", "bz", "+", "-"])
    policy = policy_row.rules()
    categories = {c.name: c for c in categories_ensure_defaults(school=school)}
    terms = list(Term.objects.filter(year=seeded.year).order_by("number"))
    started = [t for t in terms if t.starts_on <= today]
    if not started:
        return

    # In the models' order with the id (the order they were created in) for ties, whatever
    # order the database returns them in: the random stream follows these lists (ADR 13).
    students = list(
        Student.objects.filter(school_class__in=seeded.classes, left_on__isnull=True)
        .order_by(*Student._meta.ordering, "pk")
        .values_list("pk", "school_class_id", "class_number")
    )
    by_class: dict[int, list[int]] = defaultdict(list)
    for pk, class_id, _number in sorted(students, key=lambda s: (s[1], s[2], s[0])):
        by_class[class_id].append(pk)
    by_group: dict[int, list[int]] = defaultdict(list)
    for group_id, student_id in (
        GroupMembership.objects.filter(group__school_class__in=seeded.classes)
        .order_by("pk")
        .values_list("group_id", "student_id")
    ):
        by_group[group_id].append(student_id)
    ability = {pk: rng.uniform(2.8, 5.6) for pk, _c, _n in students}
    level_of = {c.pk: c.level for c in seeded.classes}
    now = timezone.now()

    seeding = _Seeding(school, rng, policy, today, now)
    columns, column_students = _columns(seeding, seeded, started, categories, by_group, by_class)
    scale_of = _early_scale(school, seeded)
    for column in columns:
        column.scale = scale_of.get(column.course_id)
    insert_objects(GradeColumn, columns)
    marks = _current_grades(seeding, columns, column_students, ability)
    _insert_marks(school, marks)
    corrections = _corrections(seeding, marks)
    _insert_marks(school, corrections)
    # Model instances only where they are needed (term grades, the demo's history): building
    # one per mark is most of the time of a large dataset.
    needs_objects = scale == "demo" or any(proposals_on(t) <= today for t in started)
    objects = _as_grades(school, marks + corrections) if needs_objects else []
    term_grades = _term_grades(seeding, seeded, started, objects, level_of)
    Grade.objects.bulk_create(term_grades, batch_size=2000)

    # Behaviour grades are given at the classification meeting too.
    classified = [t for t in started if classification_on(t) <= today]
    BehaviourGrade.objects.bulk_create(
        [
            BehaviourGrade(
                school=school,
                student_id=pk,
                year=seeded.year,
                term=term,
                value=rng.choice([6, 5, 5, 5, 4, 4, 4, 3, 2]),
                set_by=next((c.homeroom_teacher for c in seeded.classes if c.pk == class_id), None),
            )
            for term in classified
            for pk, class_id, _n in students
        ],
        batch_size=2000,
    )

    # The demo gets one "created" history entry per seeded grade, so that a mark's detail
    # shows its history; the benchmark datasets skip it (it doubles the rows to insert and
    # no benchmarked page reads it).
    if scale != "demo":
        return
    everything = objects + term_grades
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(
                school=school,
                actor_id=g.created_by_id,
                code="grades.grade.corrected" if g.corrects_id else "grades.grade.created",
                object_type=GRADE,
                object_id=g.pk,
                new=g.snapshot(),
            )
            for g in everything
        ],
        batch_size=2000,
    )

    # The history says when each grade was given, not when the demo was loaded.
    HistoryEntry.objects.filter(school=school, object_type=GRADE).update(
        at=Subquery(Grade.objects.filter(pk=OuterRef("object_id")).values("created_at")[:1])
    )

    # The demo families last looked four days ago: newer marks show as new.
    seen = now - datetime.timedelta(days=4)
    GradesVisit.objects.bulk_create(
        [
            GradesVisit(school=school, user_id=guardian_id, student_id=student_id, seen_at=seen)
            for guardian_id, student_id in Guardianship.objects.filter(
                student__school_class__in=seeded.classes
            ).values_list("guardian_id", "student_id")
        ],
        batch_size=2000,
    )


def _columns(
    s: _Seeding,
    seeded: SeededSchool,
    started: list[Term],
    categories: dict[str, GradeCategory],
    by_group: dict[int, list[int]],
    by_class: dict[int, list[int]],
) -> tuple[list[GradeColumn], list[list[int]]]:
    """Each course's grade columns of the terms begun, spread over the term's school days;
    with the students each column is for."""
    school, rng, today = s.school, s.rng, s.today
    columns: list[GradeColumn] = []
    column_students: list[list[int]] = []
    for course in seeded.courses:
        members = by_group[course.group_id] if course.group_id else by_class[course.school_class_id]
        if not members:
            continue
        for term in started:
            last = min(today, term.ends_on)
            span = max(1, (last - term.starts_on).days)
            plan = PLAN[:]
            rng.shuffle(plan)
            for i in range(MARKS_PER_TERM):
                name = plan[i % len(plan)]
                day = term.starts_on + datetime.timedelta(
                    days=int(span * (i + rng.random()) / MARKS_PER_TERM)
                )
                while day.weekday() > 4:
                    day -= datetime.timedelta(days=1)
                day = max(term.starts_on, min(day, last))
                columns.append(
                    GradeColumn(
                        school=school,
                        course=course,
                        term=term,
                        category=categories[name],
                        description=_description(rng, name, course.subject.name),
                        date=day,
                        created_by_id=course.teacher_id,
                    )
                )
                column_students.append(members)
    return columns, column_students


@dataclass(eq=False)
class _Mark:
    """A current mark or a correction as the seed builds it (inserted as a row, not a model
    instance; ``pk`` is filled in by the insert)."""

    student_id: int
    column: GradeColumn
    text: str
    value: Decimal | None
    created_at: datetime.datetime
    comment: str = ""
    corrects: _Mark | None = None
    pk: int | None = None


#: The columns of the rows ``_insert_marks`` writes (the rest take the model's defaults).
GRADE_COLUMNS = (
    "school_id",
    "student_id",
    "course_id",
    "term_id",
    "kind",
    "column_id",
    "text",
    "value",
    "comment",
    "corrects_id",
    "created_by_id",
    "created_at",
)


def _insert_marks(school: School, marks: list[_Mark]) -> None:
    rows = [
        (
            school.pk,
            m.student_id,
            m.column.course_id,
            m.column.term_id,
            Grade.Kind.CURRENT.value,
            m.column.pk,
            m.text,
            m.value,
            m.comment,
            m.corrects.pk if m.corrects else None,
            m.column.created_by_id,
            m.created_at,
        )
        for m in marks
    ]
    for mark, pk in zip(marks, insert_rows(Grade, GRADE_COLUMNS, rows, with_ids=True), strict=True):
        mark.pk = pk


def _as_grades(school: School, marks: list[_Mark]) -> list[Grade]:
    """The inserted marks as ``Grade`` instances (for the averages and the history)."""
    return [
        Grade(
            pk=m.pk,
            school=school,
            student_id=m.student_id,
            course_id=m.column.course_id,
            term_id=m.column.term_id,
            kind=Grade.Kind.CURRENT,
            column=m.column,
            text=m.text,
            value=m.value,
            comment=m.comment,
            corrects_id=m.corrects.pk if m.corrects else None,
            created_by_id=m.column.created_by_id,
            created_at=m.created_at,
        )
        for m in marks
    ]


def _current_grades(
    s: _Seeding,
    columns: list[GradeColumn],
    column_students: list[list[int]],
    ability: dict[int, float],
) -> list[_Mark]:
    """A mark for most students of each column (by their ability), a few absent or unprepared."""
    rng, policy, now = s.rng, s.policy, s.now
    symbol_values = {sym: Decimal(v) for sym, _m, v, _n in EARLY_SYMBOLS}
    # A few dozen texts make all the marks: each is read once (``parse_mark`` is pure).
    parsed: dict[str, Mark] = {}
    marks: list[_Mark] = []
    for column, members in zip(columns, column_students, strict=True):
        created = timezone.make_aware(
            datetime.datetime.combine(column.date, datetime.time(10, rng.randrange(60)))
        )
        created = min(created, now)
        homework = column.category.name == "Praca domowa"
        for pk in members:
            roll = rng.random()
            if roll < 0.07:
                continue  # absent that day
            if column.scale is not None:  # the early years' symbols (all have a value)
                symbol = _early_symbol(ability[pk] + rng.uniform(-0.6, 0.6))
                marks.append(_Mark(pk, column, symbol, symbol_values[symbol], created))
                continue
            if roll < 0.10:
                text = "bz" if homework else "np"
            else:
                text = _mark_text(rng, ability[pk])
            mark = parsed.get(text) or parsed.setdefault(text, parse_mark(text, policy))
            marks.append(_Mark(pk, column, mark.text, mark.value, created))
    return marks


def _corrections(s: _Seeding, marks: list[_Mark]) -> list[_Mark]:
    """Corrections: about a third of the 1s and 2s of tests and quizzes."""
    rng, policy, today = s.rng, s.policy, s.today
    corrections: list[_Mark] = []
    for grade in marks:
        own = grade.column
        if (
            grade.value is not None
            and grade.value < 3
            and own.scale is None  # the early years' symbols are not corrected here
            and own.category.name in ("Sprawdzian", "Kartkówka")
            and rng.random() < 0.35
        ):
            # Written a week or two later, on a school day that has already come.
            day = _school_day_before(own.date + datetime.timedelta(days=rng.randrange(7, 15)))
            if day >= today:
                continue
            later = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(11, rng.randrange(60)))
            )
            mark = parse_mark(str(rng.choice([3, 3, 4, 4, 5])), policy)
            corrections.append(
                _Mark(
                    grade.student_id,
                    own,
                    mark.text,
                    mark.value,
                    later,
                    comment="Poprawa",
                    corrects=grade,
                )
            )
    return corrections


def _term_grades(
    s: _Seeding,
    seeded: SeededSchool,
    started: list[Term],
    marks_of_year: list[Grade],
    level_of: dict[int, int],
) -> list[Grade]:
    school, rng, policy, today, now = s.school, s.rng, s.policy, s.today, s.now
    # Proposed and final term grades from the term's averages (the teacher's decision; here
    # the suggested grade, sometimes one up) — each only once the demo date has reached the
    # day they are given (``proposals_on``, ``classification_on``).
    course_by_id = {c.pk: c for c in seeded.courses}
    term_grades: list[Grade] = []
    for term in started:
        given = [
            (kind, day)
            for kind, day in (
                (Grade.Kind.PROPOSED_TERM, proposals_on(term)),
                (Grade.Kind.FINAL_TERM, classification_on(term)),
            )
            if day <= today
        ]
        if not given:
            continue
        per_key: dict[tuple[int, int], list[Grade]] = defaultdict(list)
        for grade in marks_of_year:
            if grade.term_id == term.pk:
                per_key[(grade.student_id, grade.course_id)].append(grade)
        for (student_id, course_id), marks in per_key.items():
            course = course_by_id[course_id]
            level = level_of[course.school_class_id]
            descriptive = graded_descriptively(level, course.subject.name, policy)
            average = weighted_average([weighted(g) for g in marks], policy)
            suggested = suggested_grade(average, policy) or 3
            final = min(6, suggested + (1 if rng.random() < 0.15 else 0))
            texts = DESCRIPTIVE.get(course.subject.name, [])
            text = rng.choice(texts) if descriptive and texts else ""
            values = {Grade.Kind.PROPOSED_TERM: suggested, Grade.Kind.FINAL_TERM: final}
            for kind, day in given:
                value = values[kind]
                at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 30)))
                term_grades.append(
                    Grade(
                        school=school,
                        student_id=student_id,
                        course_id=course_id,
                        term_id=term.pk,
                        kind=kind,
                        text="" if descriptive else str(value),
                        value=None if descriptive else Decimal(value),
                        descriptive=text,
                        created_by_id=course.teacher_id,
                        created_at=min(at, now),
                    )
                )
    return term_grades
