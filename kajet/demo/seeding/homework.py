"""Demo and benchmark homework: a few per course in the weeks around ``today``, some with a
small attachment (demo only), and students' "done" ticks on part of them. Deterministic."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.core.files.base import ContentFile

from kajet.demo.seeding.rows import insert_objects, insert_rows
from kajet.demo.seeding.school import SeededSchool
from kajet.homework.files import clean_filename, guess_content_type
from kajet.homework.models import Homework, HomeworkAttachment, HomeworkDone
from kajet.school.models import GroupMembership, Student

TASKS: dict[str, list[tuple[str, str]]] = {
    "Język polski": [
        ("Wypracowanie: opis przyrody", "Napisz opis krajobrazu (min. 150 słów)."),
        ("Lektura: rozdziały 1–4", "Przeczytaj i przygotuj plan wydarzeń."),
        ("Ćwiczenia z ortografii", "Zeszyt ćwiczeń, str. 34–35, ćw. 1–5."),
    ],
    "Matematyka": [
        ("Ułamki zwykłe", "Podręcznik str. 112, zad. 1–6."),
        ("Pole trójkąta", "Zeszyt ćwiczeń str. 48, zad. 2, 3 i 5."),
        ("Zadania tekstowe", "Rozwiąż zadania z karty pracy."),
    ],
    "Język angielski": [
        ("Unit 3 vocabulary", "Naucz się słówek z rozdziału 3."),
        ("Workbook p. 27", "Ćwiczenia 1–4."),
    ],
    "Historia": [
        ("Mieszko I i chrzest Polski", "Odpowiedz pisemnie na pytania 1–3 ze str. 84."),
        ("Oś czasu", "Narysuj oś czasu X–XII w."),
    ],
    "Biologia": [("Budowa komórki", "Narysuj i podpisz komórkę roślinną.")],
    "Geografia": [("Mapa Polski", "Zaznacz na mapie konturowej największe rzeki.")],
    "Przyroda": [("Obserwacja pogody", "Prowadź dzienniczek pogody przez tydzień.")],
    "Fizyka": [("Prędkość", "Zadania 1–4 ze str. 56.")],
    "Chemia": [("Układ okresowy", "Naucz się symboli pierwszych 20 pierwiastków.")],
    "Informatyka": [("Algorytm", "Zapisz algorytm parzenia herbaty w punktach.")],
    "Język niemiecki": [("Die Familie", "Opisz swoją rodzinę (5 zdań).")],
    "Edukacja wczesnoszkolna": [("Czytanka", "Przeczytaj czytankę ze str. 20 na głos.")],
}
GENERIC = [
    ("Powtórzenie wiadomości", "Przygotuj się do lekcji powtórzeniowej."),
    ("Karta pracy", "Uzupełnij kartę pracy rozdaną na lekcji."),
]
#: Homework per course, by scale; and whether students tick part of it done.
PER_COURSE = {"demo": 4, "xs": 2, "s": 3, "m": 3, "l": 3}


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    rng = random.Random(f"homework:{seeded.key}:{scale}")
    school = seeded.school
    per_course = PER_COURSE.get(scale, 3)
    rows: list[Homework] = []
    for course in seeded.courses:
        if course.subject.name in ("Wychowanie fizyczne", "Religia", "Muzyka", "Plastyka"):
            continue
        # Each task of a course once (the subject's own, then the general ones), on its own
        # due date; set on a school day no later than the demo date.
        tasks = TASKS.get(course.subject.name, []) + GENERIC
        start = seeded.course_key(course.pk) % len(tasks)
        chosen = (tasks[start:] + tasks[:start])[:per_course]
        used: set[datetime.date] = set()
        for title, description in chosen:
            # Spread over about three weeks back and two weeks ahead, on school days.
            due = today + datetime.timedelta(days=rng.randint(-21, 14))
            while due.weekday() >= 5 or due in used:
                due += datetime.timedelta(days=1)
            used.add(due)
            set_on = min(due - datetime.timedelta(days=rng.randint(2, 7)), today)
            while set_on.weekday() >= 5:
                set_on -= datetime.timedelta(days=1)
            rows.append(
                Homework(
                    school=school,
                    course=course,
                    title=title,
                    description=description,
                    set_on=set_on,
                    due_on=due,
                    author_id=course.teacher_id,
                )
            )
    insert_objects(Homework, rows)

    if scale == "demo":
        attachments = []
        for homework in rows[::5]:
            name = clean_filename(f"karta-pracy-{homework.pk}.txt")
            attachment = HomeworkAttachment(
                school=school,
                homework=homework,
                name=name,
                size=0,
                content_type=guess_content_type(name),
            )
            content = f"{homework.title}\n\n{homework.description}\n".encode()
            attachment.size = len(content)
            attachment.file.save(name, ContentFile(content), save=False)
            attachments.append(attachment)
        HomeworkAttachment.objects.bulk_create(attachments)

    # Students tick part of what was due already and a little of what is coming.
    students_by_class: dict[int, list[int]] = defaultdict(list)
    # In the models' order with the id (the order they were created in) for ties, whatever
    # order the database returns them in (ADR 13).
    for pk, class_id in (
        Student.objects.filter(school=school, left_on__isnull=True)
        .order_by(*Student._meta.ordering, "pk")
        .values_list("pk", "school_class_id")
    ):
        students_by_class[class_id].append(pk)
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, student_id in (
        GroupMembership.objects.filter(school=school)
        .order_by("pk")
        .values_list("group_id", "student_id")
    ):
        members[group_id].append(student_id)
    done: list[tuple[int, int, int]] = []  # (school, homework, student)
    for homework in rows:
        course = homework.course
        students = (
            members[course.group_id]
            if course.group_id is not None
            else students_by_class[course.school_class_id]
        )
        share = 0.7 if homework.due_on < today else 0.2
        done += [(school.pk, homework.pk, s) for s in students if rng.random() < share]
    insert_rows(HomeworkDone, ("school_id", "homework_id", "student_id"), done)
