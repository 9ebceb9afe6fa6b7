"""Demo and benchmark grades: the default policy and categories, about five marks per
subject per term that has begun (a mix of categories, a few np/bz, some corrections),
proposed and final term I grades, and term I behaviour grades.

Deterministic (seeded ``random.Random``) and bulk: a 1,000-student school (~60k marks) is a
handful of large INSERTs. Seeded marks get one bulk history entry each ("created").
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from kajet.core.models import HistoryEntry
from kajet.grades.averages import suggested_grade, weighted_average
from kajet.grades.models import (
    BehaviourGrade,
    Grade,
    GradeColumn,
    GradesVisit,
    GradingPolicy,
)
from kajet.grades.scale import parse_mark
from kajet.grades.selectors import weighted
from kajet.grades.services import GRADE, categories_ensure_defaults
from kajet.school.models import GroupMembership, Guardianship, Student, Term
from kajet.school.seeding import SeededSchool

MARKS_PER_TERM = 5
#: Category names of the defaults, in the order a term usually goes.
PLAN = ["Kartkówka", "Odpowiedź ustna", "Praca domowa", "Sprawdzian", "Aktywność"]
TOPICS = {
    "Sprawdzian": ["Dział 1", "Dział 2", "Powtórzenie", "Test semestralny"],
    "Kartkówka": ["Z ostatniej lekcji", "Słówka", "Wzory", "Daty"],
    "Odpowiedź ustna": ["", "Lektura", "Zadanie przy tablicy"],
    "Praca domowa": ["Ćwiczenia", "Wypracowanie", "Projekt"],
    "Aktywność": ["", "Praca w grupach"],
}
DESCRIPTIVE = [
    "Czyta płynnie i ze zrozumieniem. Chętnie pracuje w grupie.",
    "Poprawnie liczy w zakresie 100. Potrzebuje wsparcia w pisaniu.",
    "Bardzo aktywny na zajęciach, starannie wykonuje prace plastyczne.",
    "Zna tabliczkę mnożenia, samodzielnie rozwiązuje zadania tekstowe.",
]


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


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    school = seeded.school
    rng = random.Random(f"grades-{school.pk}-{scale}")
    policy_row = GradingPolicy.objects.create(school=school, valueless_marks=["np", "bz", "+", "-"])
    policy = policy_row.rules()
    categories = {c.name: c for c in categories_ensure_defaults(school=school)}
    terms = list(Term.objects.filter(year=seeded.year).order_by("number"))
    started = [t for t in terms if t.starts_on <= today]
    if not started:
        return
    term_one = terms[0]

    students = list(
        Student.objects.filter(school_class__in=seeded.classes, left_on__isnull=True).values_list(
            "pk", "school_class_id", "class_number"
        )
    )
    by_class: dict[int, list[int]] = defaultdict(list)
    for pk, class_id, _number in sorted(students, key=lambda s: (s[1], s[2], s[0])):
        by_class[class_id].append(pk)
    by_group: dict[int, list[int]] = defaultdict(list)
    for group_id, student_id in GroupMembership.objects.filter(
        group__school_class__in=seeded.classes
    ).values_list("group_id", "student_id"):
        by_group[group_id].append(student_id)
    ability = {pk: rng.uniform(2.8, 5.6) for pk, _c, _n in students}
    level_of = {c.pk: c.level for c in seeded.classes}
    now = timezone.now()

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
                        description=rng.choice(TOPICS[name]),
                        date=day,
                        created_by_id=course.teacher_id,
                    )
                )
                column_students.append(members)
    GradeColumn.objects.bulk_create(columns, batch_size=2000)

    grades: list[Grade] = []
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
            if roll < 0.10:
                text = "bz" if homework else "np"
            else:
                text = _mark_text(rng, ability[pk])
            mark = parse_mark(text, policy)
            grades.append(
                Grade(
                    school=school,
                    student_id=pk,
                    course_id=column.course_id,
                    term_id=column.term_id,
                    kind=Grade.Kind.CURRENT,
                    column=column,
                    text=mark.text,
                    value=mark.value,
                    created_by_id=column.created_by_id,
                    created_at=created,
                )
            )
    Grade.objects.bulk_create(grades, batch_size=2000)

    # Corrections: about a third of the 1s and 2s of tests and quizzes.
    corrections: list[Grade] = []
    for grade in grades:
        own = grade.column
        assert own is not None
        if (
            grade.value is not None
            and grade.value < 3
            and own.category.name in ("Sprawdzian", "Kartkówka")
            and rng.random() < 0.35
        ):
            later = min(now, grade.created_at + datetime.timedelta(days=rng.randrange(7, 15)))
            mark = parse_mark(str(rng.choice([3, 3, 4, 4, 5])), policy)
            corrections.append(
                Grade(
                    school=school,
                    student_id=grade.student_id,
                    course_id=grade.course_id,
                    term_id=grade.term_id,
                    kind=Grade.Kind.CURRENT,
                    column=own,
                    text=mark.text,
                    value=mark.value,
                    comment="Poprawa",
                    corrects=grade,
                    created_by_id=grade.created_by_id,
                    created_at=later,
                )
            )
    Grade.objects.bulk_create(corrections, batch_size=2000)

    # Proposed and final term I grades from the term I averages (the teacher's decision;
    # here the suggested grade, sometimes one up).
    per_key: dict[tuple[int, int], list[Grade]] = defaultdict(list)
    for grade in grades + corrections:
        if grade.term_id == term_one.pk:
            per_key[(grade.student_id, grade.course_id)].append(grade)
    course_by_id = {c.pk: c for c in seeded.courses}
    term_grades: list[Grade] = []
    classified = now - datetime.timedelta(days=1)
    for (student_id, course_id), marks in per_key.items():
        course = course_by_id[course_id]
        descriptive = level_of[course.school_class_id] <= policy.descriptive_up_to_level
        average = weighted_average([weighted(g) for g in marks], policy)
        suggested = suggested_grade(average, policy) or 3
        final = min(6, suggested + (1 if rng.random() < 0.15 else 0))
        text = rng.choice(DESCRIPTIVE) if descriptive else ""
        for kind, value in ((Grade.Kind.PROPOSED_TERM, suggested), (Grade.Kind.FINAL_TERM, final)):
            term_grades.append(
                Grade(
                    school=school,
                    student_id=student_id,
                    course_id=course_id,
                    term_id=term_one.pk,
                    kind=kind,
                    text="" if descriptive else str(value),
                    value=None if descriptive else Decimal(value),
                    descriptive=text,
                    created_by_id=course.teacher_id,
                    created_at=classified,
                )
            )
    Grade.objects.bulk_create(term_grades, batch_size=2000)

    BehaviourGrade.objects.bulk_create(
        [
            BehaviourGrade(
                school=school,
                student_id=pk,
                year=seeded.year,
                term=term_one,
                value=rng.choice([6, 5, 5, 5, 4, 4, 4, 3, 2]),
                set_by=next((c.homeroom_teacher for c in seeded.classes if c.pk == class_id), None),
            )
            for pk, class_id, _n in students
        ],
        batch_size=2000,
    )

    # The demo gets one "created" history entry per seeded grade, so that a mark's detail
    # shows its history; the benchmark datasets skip it (it doubles the rows to insert and
    # no benchmarked page reads it).
    if scale != "demo":
        return
    everything = grades + corrections + term_grades
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
