"""Demo and benchmark announcements: the principal's list of the year's days off (pinned),
notices for guardians, students and staff, homeroom teachers' class notices, and reads by
part of each audience. Deterministic."""

from __future__ import annotations

import datetime
import random

from kajet.accounts.models import Role, StaffRole, User
from kajet.core.models import School
from kajet.demo.seeding.rows import insert_rows
from kajet.demo.seeding.school import SeededSchool
from kajet.noticeboard.models import Announcement, AnnouncementRead
from kajet.school.models import Guardianship, Student
from kajet.timetable.models import Event

MONTHS = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
]


def _pl_date(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def days_off_text(rows: list[tuple[str, datetime.date, datetime.date]], year_name: str) -> str:
    lines = [
        f"Dyrekcja szkoły informuje, że w roku szkolnym {year_name} dniami wolnymi od zajęć "
        "dydaktycznych są:",
        "",
    ]
    for title, start, end in rows:
        when = _pl_date(start) if start == end else f"{_pl_date(start)} – {_pl_date(end)}"
        lines.append(f"• {when} — {title}")
    lines += [
        "",
        "W dni wolne od zajęć dydaktycznych szkoła zapewnia opiekę świetlicową dzieciom, "
        "których rodzice zgłoszą taką potrzebę w sekretariacie.",
        "Kalendarz roku szkolnego: https://www.gov.pl/web/edukacja/kalendarz-roku-szkolnego",
    ]
    return "\n".join(lines)


def _first_with_role(school_id: int, role: str) -> User | None:
    row = StaffRole.objects.filter(school_id=school_id, role=role).select_related("user").first()
    return row.user if row is not None else None


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    rng = random.Random(f"noticeboard:{seeded.key}:{scale}")
    school = seeded.school
    year = seeded.year
    principal = _first_with_role(school.pk, Role.PRINCIPAL)
    secretariat = _first_with_role(school.pk, Role.SECRETARIAT)
    admin = _first_with_role(school.pk, Role.SCHOOL_ADMIN)
    A = Announcement.Audience
    made: list[tuple[Announcement, list[int]]] = []  # (announcement, class ids)

    def add(author: User | None, title: str, body: str, audience: str, **kw: object) -> None:
        if author is None:
            return
        classes = kw.pop("classes", [])
        a = Announcement(
            school=school, author=author, title=title, body=body, audience=audience, **kw
        )
        made.append((a, classes))  # type: ignore[arg-type]

    days_off = list(
        Event.objects.filter(
            school=school,
            kind=Event.Kind.DAY_OFF,
            scope=Event.Scope.SCHOOL,
            starts_on__gte=year.starts_on,
            ends_on__lte=year.ends_on,
        )
        .order_by("starts_on")
        .values_list("title", "starts_on", "ends_on")
    )
    if days_off:
        add(
            principal,
            f"Dni wolne od zajęć w roku szkolnym {year.name}",
            days_off_text(days_off, year.name),
            A.SCHOOL,
            shown_from=year.starts_on,
            pinned=True,
        )
    add(
        principal,
        "Zebrania z rodzicami",
        "Zapraszam Państwa na zebrania z wychowawcami klas.\n"
        "Klasy 1–3: godz. 17:00, klasy 4–8: godz. 17:45.\n"
        "Sale zebrań podadzą wychowawcy.",
        A.GUARDIANS,
        shown_from=today - datetime.timedelta(days=6),
        shown_until=today + datetime.timedelta(days=10),
    )
    add(
        secretariat,
        "Legitymacje szkolne do odbioru",
        "Nowe legitymacje szkolne są do odbioru w sekretariacie w godz. 8:00–15:00.",
        A.STUDENTS,
        shown_from=today - datetime.timedelta(days=3),
        shown_until=today + datetime.timedelta(days=14),
    )
    add(
        principal,
        "Rada pedagogiczna",
        "Posiedzenie rady pedagogicznej odbędzie się w czwartek o 15:30 w pokoju nauczycielskim.\n"
        "Porządek obrad w załączniku w sekretariacie.",
        A.STAFF,
        shown_from=today - datetime.timedelta(days=2),
        shown_until=today + datetime.timedelta(days=5),
    )
    add(
        admin,
        "Przerwa techniczna w dzienniku",
        "W sobotę w godz. 22:00–23:00 dziennik może działać z przerwami (aktualizacja).",
        A.SCHOOL,
        shown_from=today - datetime.timedelta(days=1),
        shown_until=today + datetime.timedelta(days=6),
    )
    add(
        principal,
        "Konkurs plastyczny „Jesień w Gdańsku”",
        "Prace można składać u nauczycieli plastyki do końca miesiąca.",
        A.SCHOOL,
        shown_from=today - datetime.timedelta(days=40),
        shown_until=today - datetime.timedelta(days=10),
    )
    for school_class in seeded.classes:
        if school_class.homeroom_teacher is None or rng.random() > 0.6:
            continue
        add(
            school_class.homeroom_teacher,
            f"Wycieczka klasy {school_class.name}",
            f"Klasa {school_class.name} jedzie na wycieczkę do Muzeum Narodowego.\n"
            "Zbiórka o 8:00 przed szkołą, powrót ok. 14:00. Koszt: 35 zł.\n"
            "Proszę o zgody rodziców do piątku.",
            A.CLASSES,
            classes=[school_class.pk],
            shown_from=today - datetime.timedelta(days=rng.randint(0, 4)),
            shown_until=today + datetime.timedelta(days=12),
        )
    Announcement.objects.bulk_create([a for a, _ in made])
    Through = Announcement.classes.through
    Through.objects.bulk_create(
        [Through(announcement_id=a.pk, schoolclass_id=c) for a, classes in made for c in classes]
    )

    _seed_reads(school, made, rng)


#: The columns of the read rows ``_seed_reads`` builds (``read_at``: the time of the insert).
READ_COLUMNS = ("school_id", "announcement_id", "user_id")


def _seed_reads(
    school: School, made: list[tuple[Announcement, list[int]]], rng: random.Random
) -> None:
    """Part of each audience has read it (the read list the author sees)."""
    A = Announcement.Audience
    # In id order (the order they were created in), whatever the database's (ADR 13).
    users = list(
        User.objects.filter(school=school, is_active=True).order_by("pk").values_list("pk", "kind")
    )
    by_kind: dict[str, list[int]] = {}
    for pk, kind in users:
        by_kind.setdefault(kind, []).append(pk)
    class_family: dict[int, list[int]] = {}
    for _pk, class_id, user_id in Student.objects.filter(school=school).values_list(
        "pk", "school_class_id", "user_id"
    ):
        class_family.setdefault(class_id, []).append(user_id)
    student_class = dict(Student.objects.filter(school=school).values_list("pk", "school_class_id"))
    for student_id, guardian_id in Guardianship.objects.filter(school=school).values_list(
        "student_id", "guardian_id"
    ):
        class_family.setdefault(student_class[student_id], []).append(guardian_id)
    reads: list[tuple[int, int, int]] = []  # rows of READ_COLUMNS
    for a, classes in made:
        if a.audience == A.SCHOOL:
            audience = [pk for pks in by_kind.values() for pk in pks]
        elif a.audience == A.STAFF:
            audience = by_kind.get(User.Kind.STAFF, [])
        elif a.audience == A.GUARDIANS:
            audience = by_kind.get(User.Kind.GUARDIAN, [])
        elif a.audience == A.STUDENTS:
            audience = by_kind.get(User.Kind.STUDENT, [])
        else:
            audience = sorted({u for c in classes for u in class_family.get(c, [])})
        share = 0.6 if a.pinned else 0.35
        reads += [
            (school.pk, a.pk, u) for u in audience if u != a.author_id and rng.random() < share
        ]
    insert_rows(AnnouncementRead, READ_COLUMNS, reads)
