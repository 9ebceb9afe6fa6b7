"""Demo remarks (uwagi): the school's default categories and a few believable remarks per
class in the last weeks — praise, talking in class, being late, no PE kit — some naming the
lesson they happened in, about half of the older ones already read by a guardian. The
last-enrolled student of each class (in the demo school: the demo family's children) always
gets some, so the demo guardian sees the Uwagi tab filled. Demo only (the benchmark scales get
none); deterministic and bulk-inserted."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone, translation

from kajet.attendance.models import Lesson
from kajet.demo.seeding.school import SeededSchool
from kajet.remarks.models import Kind, Remark, RemarkAcknowledgement, RemarkCategory
from kajet.remarks.services import remark_categories_seed_defaults
from kajet.school.models import Guardianship, Student

#: (category's index in the default list, text, names the lesson)
REMARKS: tuple[tuple[int, str, bool], ...] = (
    (0, "Rozmowy na lekcji mimo kilku upomnień nauczyciela.", True),
    (0, "Używanie telefonu podczas lekcji.", True),
    (1, "Wzorowe przygotowanie do lekcji i pomoc kolegom przy zadaniach.", True),
    (1, "Bardzo aktywna praca na lekcji, ciekawe wnioski z doświadczenia.", True),
    (2, "Spóźnienie na pierwszą lekcję (ok. 10 minut).", False),
    (3, "Brak stroju na lekcji wychowania fizycznego.", False),
    (4, "Brak zeszytu przedmiotowego i podręcznika.", True),
    (5, "Przygotowanie gazetki klasowej i dekoracji sali.", False),
    (6, "Udział w szkolnym etapie konkursu matematycznego — wyróżnienie.", False),
    (7, "Proszę o podpisanie zgody na wycieczkę do Muzeum II Wojny Światowej.", False),
)
#: Remarks per class (besides the last-enrolled student's three).
PER_CLASS = 6
DAYS_BACK = 28


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    if scale != "demo":
        return
    rng = random.Random(f"remarks:{seeded.key}")
    school = seeded.school
    with translation.override("pl"):
        remark_categories_seed_defaults(actor=None, school=school)
    categories = list(RemarkCategory.objects.filter(school=school).order_by("order", "pk"))
    teachers_of: dict[int, list[int]] = defaultdict(list)
    for course in seeded.courses:
        teachers_of[course.school_class_id].append(course.teacher_id)
    lessons_of: dict[tuple[int, int], list[Lesson]] = defaultdict(list)
    since = today - datetime.timedelta(days=DAYS_BACK)
    for lesson in (
        Lesson.objects.filter(school=school, date__gte=since, date__lte=today)
        .only("pk", "date", "teacher_id", "course__school_class_id")
        .select_related("course")
    ):
        lessons_of[(lesson.course.school_class_id, lesson.teacher_id)].append(lesson)
    rows: list[Remark] = []
    for school_class in seeded.classes:
        students = list(
            Student.objects.filter(school_class=school_class, left_on__isnull=True).order_by("pk")
        )
        teachers = teachers_of.get(school_class.pk, [])
        if not students or not teachers:
            continue
        # The last-enrolled student: praise, being late, no homework; then random ones.
        chosen = [(students[-1], REMARKS[i]) for i in (2, 4, 6)]
        others = rng.sample(students, min(PER_CLASS, len(students)))
        chosen += [(s, rng.choice(REMARKS)) for s in others]
        seen: set[tuple[int, str]] = set()
        for student, (index, text, in_lesson) in chosen:
            if (student.pk, text) in seen:
                continue
            seen.add((student.pk, text))
            category = categories[index % len(categories)]
            author = rng.choice(teachers)
            lesson = None
            held = lessons_of.get((school_class.pk, author), [])
            if in_lesson and held:
                lesson = rng.choice(held)
                date = lesson.date
            else:
                date = today - datetime.timedelta(days=rng.randint(0, DAYS_BACK))
                while date.weekday() >= 5:
                    date -= datetime.timedelta(days=1)
            rows.append(
                Remark(
                    school=school,
                    student=student,
                    author_id=author,
                    category=category,
                    kind=category.kind,
                    text=text,
                    date=date,
                    lesson=lesson,
                    points=category.points,
                    visible_to_student=category.kind != Kind.NEUTRAL,
                )
            )
    Remark.objects.bulk_create(rows, batch_size=500)
    _acknowledge(rows, today=today, rng=rng)


def _acknowledge(rows: list[Remark], *, today: datetime.date, rng: random.Random) -> None:
    """About half of the remarks older than two days are read by the student's first
    guardian."""
    first_guardian: dict[int, int] = {}
    for student_id, guardian_id in (
        Guardianship.objects.filter(student_id__in={r.student_id for r in rows})
        .order_by("pk")
        .values_list("student_id", "guardian_id")
    ):
        first_guardian.setdefault(student_id, guardian_id)
    acks = []
    for remark in rows:
        guardian = first_guardian.get(remark.student_id)
        if guardian is None or (today - remark.date).days < 2 or rng.random() < 0.5:
            continue
        acks.append(
            RemarkAcknowledgement(school_id=remark.school_id, remark=remark, user_id=guardian)
        )
    RemarkAcknowledgement.objects.bulk_create(acks, batch_size=500)
    # Read a day after the remark, in the evening (auto_now_add wrote "now").
    for ack, remark in ((a, a.remark) for a in acks):
        read_at = datetime.datetime.combine(
            remark.date + datetime.timedelta(days=1), datetime.time(19, rng.randint(0, 59))
        )
        ack.at = timezone.make_aware(read_at)
    RemarkAcknowledgement.objects.bulk_update(acks, ["at"], batch_size=500)
