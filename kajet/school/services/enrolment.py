"""Enrolling students with their guardians (one by one, in bulk, from a CSV file), moving
students between classes, correcting and ending enrolments."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kajet.accounts.models import User
from kajet.accounts.services import sessions_end_all
from kajet.core.history import history_record, history_record_many
from kajet.core.models import School
from kajet.school.csv_import import StudentRow
from kajet.school.models import (
    Guardianship,
    SchoolClass,
    Student,
)
from kajet.school.services.logins import IssuedLogin, _new_user, login_numbers_allocate


@dataclass
class GuardianInput:
    first_name: str
    last_name: str
    email: str = ""
    relation: str = ""
    existing: User | None = None  # link an existing guardian login instead of a new one


@dataclass
class StudentInput:
    first_name: str
    last_name: str
    school_class: SchoolClass
    birth_date: datetime.date | None = None
    class_number: int | None = None
    guardians: list[GuardianInput] = field(default_factory=list)


@dataclass
class EnrolmentResult:
    student: Student
    student_login: IssuedLogin
    guardian_logins: list[IssuedLogin]


def _snapshot(student: Student) -> dict[str, Any]:
    return {
        "class": student.school_class.name,
        "class_number": student.class_number,
        "left_on": student.left_on.isoformat() if student.left_on else None,
    }


def _class_number(next_number: dict[int, int], row: StudentInput) -> int:
    """The row's class-list number: its own, or the next after the highest in its class."""
    class_id = row.school_class.pk
    if row.class_number is None:
        next_number[class_id] = next_number.get(class_id, 0) + 1
        return next_number[class_id]
    next_number[class_id] = max(next_number.get(class_id, 0), row.class_number)
    return row.class_number


@transaction.atomic
def students_enrol(
    *,
    school: School,
    actor: User | None,
    rows: Sequence[StudentInput],
    enrolled_on: datetime.date | None = None,
    login_numbers: Sequence[str] | None = None,
) -> list[EnrolmentResult]:
    """Enrol students with their guardians in bulk (a few INSERTs whatever the count).

    All or nothing: the caller validates first; any database error rolls back everything.
    Class-list numbers not given continue after the highest number in the class.
    ``actor`` is None for the demo and benchmark data (no one signed in).
    """
    enrolled_on = enrolled_on or timezone.localdate()
    extra_guardians = sum(
        max(0, len([g for g in r.guardians if g.existing is None]) - 1) for r in rows
    )
    # Seeds pass their own (deterministic) numbers; everyone else gets random free ones.
    numbers = (
        list(login_numbers)
        if login_numbers is not None
        else login_numbers_allocate(len(rows) + extra_guardians)
    )
    next_number: dict[int, int] = {
        row["school_class"]: row["top"] or 0
        for row in Student.objects.filter(school_class__in={r.school_class.pk for r in rows})
        .values("school_class")
        .annotate(top=Max("class_number"))
    }
    users: list[User] = []
    passwords: list[str] = []
    plan: list[tuple[StudentInput, str, int, list[tuple[GuardianInput, int | None]]]] = []
    number_iter = iter(numbers)
    for row in rows:
        family = next(number_iter)
        student_user, raw = _new_user(
            school=school,
            kind=User.Kind.STUDENT,
            login=family + "u",
            first_name=row.first_name,
            last_name=row.last_name,
        )
        student_index = len(users)
        users.append(student_user)
        passwords.append(raw)
        guardian_slots: list[tuple[GuardianInput, int | None]] = []
        first_new = True
        for guardian in row.guardians:
            if guardian.existing is not None:
                guardian_slots.append((guardian, None))
                continue
            login = family if first_new else next(number_iter)
            first_new = False
            guardian_user, graw = _new_user(
                school=school,
                kind=User.Kind.GUARDIAN,
                login=login,
                first_name=guardian.first_name,
                last_name=guardian.last_name,
                email=guardian.email,
            )
            guardian_slots.append((guardian, len(users)))
            users.append(guardian_user)
            passwords.append(graw)
        plan.append((row, family, student_index, guardian_slots))
    User.objects.bulk_create(users, batch_size=500)
    if not all(u.pk for u in users):  # SQLite before 3.35 does not return ids
        by_login = dict(
            User.objects.filter(login__in=[u.login for u in users]).values_list("login", "pk")
        )
        for u in users:
            u.pk = by_login[u.login]

    students: list[Student] = []
    for row, family, student_index, _slots in plan:
        number = _class_number(next_number, row)
        students.append(
            Student(
                school=school,
                user=users[student_index],
                school_class=row.school_class,
                class_number=number,
                login_number=family,
                birth_date=row.birth_date,
                enrolled_on=enrolled_on,
            )
        )
    Student.objects.bulk_create(students, batch_size=500)
    if not all(s.pk for s in students):
        by_user = dict(
            Student.objects.filter(user__in=[s.user for s in students]).values_list("user_id", "pk")
        )
        for s in students:
            s.pk = by_user[s.user.pk]

    links: list[Guardianship] = []
    results: list[EnrolmentResult] = []
    for student, (_row, _family, student_index, slots) in zip(students, plan, strict=True):
        issued: list[IssuedLogin] = []
        for guardian, index in slots:
            linked = guardian.existing if index is None else users[index]
            assert linked is not None
            links.append(
                Guardianship(
                    school=school,
                    guardian=linked,
                    student=student,
                    relation=guardian.relation,
                )
            )
            if index is not None:
                issued.append(IssuedLogin(users[index], passwords[index]))
        results.append(
            EnrolmentResult(
                student, IssuedLogin(users[student_index], passwords[student_index]), issued
            )
        )
    Guardianship.objects.bulk_create(links, batch_size=500)
    history_record_many(
        school=school,
        actor=actor,
        entries=(
            {
                "code": "school.student.enrolled",
                "object_type": "student",
                "object_id": s.pk,
                "old": None,
                "new": {"class": s.school_class.name, "class_number": s.class_number},
            }
            for s in students
        ),
    )
    return results


@transaction.atomic
def guardian_add(*, actor: User, student: Student, guardian: GuardianInput) -> IssuedLogin | None:
    """Link a further guardian to a student: an existing login, or a new one with its own digits."""
    guardian_user: User
    if guardian.existing is not None:
        guardian_user = guardian.existing
        Guardianship.objects.get_or_create(
            school=student.school,
            guardian=guardian_user,
            student=student,
            defaults={"relation": guardian.relation},
        )
        issued = None
    else:
        (number,) = login_numbers_allocate(1)
        guardian_user, raw = _new_user(
            school=student.school,
            kind=User.Kind.GUARDIAN,
            login=number,
            first_name=guardian.first_name,
            last_name=guardian.last_name,
            email=guardian.email,
        )
        guardian_user.save()
        Guardianship.objects.create(
            school=student.school,
            guardian=guardian_user,
            student=student,
            relation=guardian.relation,
        )
        issued = IssuedLogin(guardian_user, raw)
    history_record(
        school=student.school,
        actor=actor,
        code="school.student.guardian_added",
        object_type="student",
        object_id=student.pk,
        new={"guardian": guardian_user.login},
    )
    return issued


@transaction.atomic
def student_move(*, actor: User, student: Student, school_class: SchoolClass) -> Student:
    """Move a student to another class; they get the next class-list number there."""
    if student.school_class_id == school_class.pk:
        return student
    old = _snapshot(student)
    top = Student.objects.filter(school_class=school_class).aggregate(top=Max("class_number"))[
        "top"
    ]
    student.school_class = school_class
    student.class_number = (top or 0) + 1
    student.save(update_fields=["school_class", "class_number"])
    history_record(
        school=student.school,
        actor=actor,
        code="school.student.moved",
        object_type="student",
        object_id=student.pk,
        old=old,
        new=_snapshot(student),
    )
    return student


@transaction.atomic
def student_end_enrolment(*, actor: User, student: Student, left_on: datetime.date) -> Student:
    """End an enrolment: the record and all register data stay; the student's login is turned
    off, and so is each guardian login that has no other enrolled child."""
    if student.left_on is not None:
        return student
    old = _snapshot(student)
    student.left_on = left_on
    student.save(update_fields=["left_on"])
    User.objects.filter(pk=student.user_id).update(is_active=False)
    sessions_end_all(user_ids=[student.user_id])
    guardians = list(
        Guardianship.objects.filter(student=student).values_list("guardian_id", flat=True)
    )
    still_needed = set(
        Guardianship.objects.filter(
            guardian_id__in=guardians, student__left_on__isnull=True
        ).values_list("guardian_id", flat=True)
    )
    User.objects.filter(pk__in=set(guardians) - still_needed).update(is_active=False)
    sessions_end_all(user_ids=set(guardians) - still_needed)
    history_record(
        school=student.school,
        actor=actor,
        code="school.student.enrolment_ended",
        object_type="student",
        object_id=student.pk,
        old=old,
        new=_snapshot(student),
    )
    return student


def students_import(
    *, school: School, actor: User, rows: Sequence[StudentRow], classes: dict[str, SchoolClass]
) -> list[EnrolmentResult]:
    """Enrol the validated rows of a CSV file (csv_import.validate_rows) in one bulk call.

    ``classes`` maps class names (as in the rows) to classes of the current year."""
    inputs = [
        StudentInput(
            first_name=row.first_name,
            last_name=row.last_name,
            school_class=classes[row.class_name],
            birth_date=row.birth_date,
            guardians=[
                GuardianInput(first_name=g.first_name, last_name=g.last_name, email=g.email)
                for g in row.guardians
            ],
        )
        for row in rows
    ]
    return students_enrol(school=school, actor=actor, rows=inputs)


@transaction.atomic
def student_update(
    *,
    actor: User,
    student: Student,
    first_name: str,
    last_name: str,
    birth_date: datetime.date | None,
    class_number: int,
) -> Student:
    """Correct a student's name, date of birth or class-list number (history kept)."""
    user = student.user
    old = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "birth_date": student.birth_date.isoformat() if student.birth_date else None,
        "class_number": student.class_number,
    }
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    student.birth_date = birth_date
    student.class_number = class_number
    student.save(update_fields=["birth_date", "class_number"])
    new = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "birth_date": birth_date.isoformat() if birth_date else None,
        "class_number": class_number,
    }
    if new != old:
        history_record(
            school=student.school,
            actor=actor,
            code="school.student.changed",
            object_type="student",
            object_id=student.pk,
            old=old,
            new=new,
        )
    return student
