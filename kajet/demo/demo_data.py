"""The demo deployment: two schools with fixed logins for every role."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kajet.accounts.models import Role, User
from kajet.accounts.services import issued_password_hash
from kajet.demo.hooks import run_data_hooks
from kajet.demo.seeding.attendance import excuse_waiting_from
from kajet.demo.seeding.messaging import leave_unread, settle_service_messages
from kajet.demo.seeding.school import SchoolSpec, StaffSpec, seed_school
from kajet.school.models import SchoolClass, Student
from kajet.school.services import GuardianInput, StudentInput, students_enrol

DEMO_PASSWORD = "kajet-demo"
LOGINS_FILE = "demo-logins.json"

PRIMARY = SchoolSpec(
    name="Szkoła Podstawowa nr 12 im. Marii Skłodowskiej-Curie w Gdańsku",
    short_name="SP 12 Gdańsk",
    city="Gdańsk",
    class_names=[f"{level}{letter}" for level in range(1, 9) for letter in "ab"],
    students_per_class=20,
    teachers=26,
    first_login_number=4100001,
    seed=12,
    named_staff=[
        StaffSpec("h.kaczmarek", "Halina", "Kaczmarek", [Role.PRINCIPAL]),
        StaffSpec("r.sowa", "Robert", "Sowa", [Role.SCHOOL_ADMIN]),
        StaffSpec("m.kubacka", "Monika", "Kubacka", [Role.SECRETARIAT]),
        StaffSpec("e.grabowska", "Ewa", "Grabowska", [Role.PEDAGOGUE]),
        StaffSpec("t.lis", "Tadeusz", "Lis", [Role.PSYCHOLOGIST]),
        StaffSpec("j.nowicka", "Joanna", "Nowicka", [Role.TEACHER]),
        StaffSpec("k.wisniewska", "Katarzyna", "Wiśniewska", [Role.TEACHER], homeroom_of="6b"),
    ],
)
SECOND = SchoolSpec(
    name="Szkoła Podstawowa nr 5 w Sopocie",
    short_name="SP 5 Sopot",
    city="Sopot",
    class_names=["4a", "5a"],
    students_per_class=12,
    teachers=6,
    first_login_number=5100001,
    seed=5,
    staff_login_suffix=".sp5",
    named_staff=[
        StaffSpec("w.sobczak", "Wiesław", "Sobczak", [Role.PRINCIPAL]),
        StaffSpec("p.wrobel", "Paulina", "Wróbel", [Role.SCHOOL_ADMIN]),
        StaffSpec("d.kaminska", "Danuta", "Kamińska", [Role.SECRETARIAT]),
        StaffSpec("i.mazur", "Irena", "Mazur", [Role.PEDAGOGUE]),
        StaffSpec("s.baran", "Sebastian", "Baran", [Role.TEACHER]),
        StaffSpec("a.krol", "Agata", "Król", [Role.TEACHER], homeroom_of="5a"),
    ],
)


@dataclass
class DemoLogin:
    school: str
    role: str
    login: str
    name: str
    #: The login asks for a new password at the first sign-in (as a slip's password does).
    must_change_password: bool = False


def _family(
    school_class: SchoolClass,
    *,
    numbers: list[str],
    second: SchoolClass | None,
    names: dict[str, Any],
) -> list[Student]:
    mother = GuardianInput(names["mother"], names["last_f"], relation="matka", email=names["email"])
    father = GuardianInput(names["father"], names["last_m"], relation="ojciec")
    rows = [
        StudentInput(
            names["child"],
            names["last_child"],
            school_class,
            birth_date=names["birth"],
            guardians=[mother, father],
        )
    ]
    results = students_enrol(
        school=school_class.school,
        actor=None,
        rows=rows,
        enrolled_on=school_class.year.starts_on,
        login_numbers=numbers[:2],
    )
    students = [results[0].student]
    if second is not None:
        mother_user = results[0].guardian_logins[0].user
        father_user = results[0].guardian_logins[1].user
        rows2 = [
            StudentInput(
                names["child2"],
                names["last_child2"],
                second,
                birth_date=names["birth2"],
                guardians=[
                    GuardianInput("", "", relation="matka", existing=mother_user),
                    GuardianInput("", "", relation="ojciec", existing=father_user),
                ],
            )
        ]
        more = students_enrol(
            school=second.school,
            actor=None,
            rows=rows2,
            enrolled_on=second.year.starts_on,
            login_numbers=numbers[2:3],
        )
        students.append(more[0].student)
    return students


@transaction.atomic
def seed_demo(today: datetime.date) -> list[DemoLogin]:
    """Create both demo schools; returns the demo logins (every role of both schools)."""
    logins: list[DemoLogin] = []
    for spec, family_numbers, family_names, class_a, class_b in (
        (
            PRIMARY,
            ["4829113", "4829116", "4829114"],
            {
                "mother": "Agnieszka",
                "father": "Tomasz",
                "last_f": "Wójcik",
                "last_m": "Wójcik",
                "child": "Zofia",
                "last_child": "Wójcik",
                "child2": "Jaś",
                "last_child2": "Wójcik",
                "email": "agnieszka.wojcik@example.pl",
                "birth": datetime.date(2014, 3, 14),
                "birth2": datetime.date(2018, 10, 2),
            },
            "6b",
            "3a",
        ),
        (
            SECOND,
            ["5730021", "5730022"],
            {
                "mother": "Beata",
                "father": "Łukasz",
                "last_f": "Żak",
                "last_m": "Żak",
                "child": "Oliwia",
                "last_child": "Żak",
                "email": "beata.zak@example.pl",
                "birth": datetime.date(2015, 5, 20),
            },
            "5a",
            None,
        ),
    ):
        seeded = seed_school(spec, today=today, password=DEMO_PASSWORD)
        by_name = {c.name: c for c in seeded.classes}
        students = _family(
            by_name[class_a],
            numbers=family_numbers,
            second=by_name[class_b] if class_b else None,
            names=family_names,
        )
        family_user_ids = [s.user_id for s in students] + list(
            User.objects.filter(guardianships__student__in=students).values_list("pk", flat=True)
        )
        User.objects.filter(pk__in=family_user_ids).update(
            password=issued_password_hash(DEMO_PASSWORD), must_change_password=False
        )
        started = timezone.now()
        run_data_hooks(seeded, today=today, scale="demo")
        school_name = seeded.school.short_name
        first = students[0]
        guardian = User.objects.get(login=family_numbers[0])
        # The demo family has one excuse waiting for the homeroom teacher; what the services
        # wrote while loading moves into school hours; every demo login has something unread.
        excuse_waiting_from(guardian=guardian, student=first, today=today)
        settle_service_messages(school_id=seeded.school.pk, since=started)
        teachers = [
            seeded.staff_by_login[n.login] for n in spec.named_staff if Role.TEACHER in n.roles
        ]
        principal = next(
            (seeded.staff_by_login[n.login] for n in spec.named_staff if Role.PRINCIPAL in n.roles),
            None,
        )
        leave_unread([guardian, first.user, *teachers], principal=principal)
        logins.append(DemoLogin(school_name, "guardian", guardian.login, guardian.full_name))
        logins.append(DemoLogin(school_name, "student", first.user.login, first.user.full_name))
        if spec is PRIMARY:
            # One login shows the first sign-in with a password from the school: it must
            # choose its own before anything else.
            second = User.objects.get(login=family_numbers[1])
            User.objects.filter(pk=second.pk).update(must_change_password=True)
            logins.append(
                DemoLogin(
                    school_name,
                    "guardian",
                    second.login,
                    second.full_name,
                    must_change_password=True,
                )
            )
        for named in spec.named_staff:
            user = seeded.staff_by_login[named.login]
            role = "homeroom_teacher" if named.homeroom_of else str(named.roles[0])
            logins.append(DemoLogin(school_name, role, user.login, user.full_name))
    return logins


def write_logins(logins: list[DemoLogin]) -> Path:
    path = Path(settings.VAR_DIR) / LOGINS_FILE
    path.write_text(
        json.dumps(
            [
                {
                    "school": d.school,
                    "role": d.role,
                    "login": d.login,
                    "password": DEMO_PASSWORD,
                    "name": d.name,
                    "must_change_password": d.must_change_password,
                }
                for d in logins
            ],
            ensure_ascii=False,
            indent=2,
        )
    )
    return path
