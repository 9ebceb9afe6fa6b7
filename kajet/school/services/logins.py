"""School logins: fresh login numbers, new users with an issued password, password resets
(one login or a whole class)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from kajet.accounts.models import User
from kajet.accounts.services import (
    generate_password,
    issued_password_hash,
    password_reset_issue,
)
from kajet.core.history import history_record
from kajet.core.models import School
from kajet.school.models import (
    SchoolClass,
    Student,
)

LOGIN_DIGITS = 7


@dataclass
class IssuedLogin:
    """A login and its initial password, shown once (on screen and on the printed slip)."""

    user: User
    password: str


def login_numbers_allocate(count: int) -> list[str]:
    """``count`` fresh digit numbers such that neither ``n`` nor ``n + 'u'`` is a login yet."""
    chosen: set[str] = set()
    low, high = 10 ** (LOGIN_DIGITS - 1), 10**LOGIN_DIGITS
    while len(chosen) < count:
        need = count - len(chosen)
        candidates = {str(low + secrets.randbelow(high - low)) for _ in range(need * 2 + 10)}
        candidates -= chosen
        taken = set(
            User.objects.filter(
                login__in=list(candidates) + [c + "u" for c in candidates]
            ).values_list("login", flat=True)
        )
        for candidate in candidates:
            if candidate not in taken and candidate + "u" not in taken:
                chosen.add(candidate)
                if len(chosen) == count:
                    break
    return sorted(chosen)


def _new_user(
    *, school: School, kind: str, login: str, first_name: str, last_name: str, email: str = ""
) -> tuple[User, str]:
    raw = generate_password()
    user = User(
        school=school,
        kind=kind,
        login=login,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        password=issued_password_hash(raw),
        must_change_password=True,
    )
    return user, raw


@transaction.atomic
def login_password_reset(*, actor: User, user: User) -> IssuedLogin:
    """A new initial password for a school login (office or guardian); sessions end and the
    user must change it at next sign-in. The reset is recorded (never the password)."""
    assert user.school is not None
    raw = password_reset_issue(actor=actor, user=user)
    history_record(
        school=user.school,
        actor=actor,
        code="school.login.password_reset",
        object_type="user",
        object_id=user.pk,
        new={"login": user.login},
    )
    return IssuedLogin(user, raw)


@dataclass
class FamilyReset:
    student: Student
    student_login: IssuedLogin
    guardian_logins: list[IssuedLogin]


@transaction.atomic
def class_logins_reset(
    *, actor: User, school_class: SchoolClass, include_guardians: bool
) -> list[FamilyReset]:
    """New passwords for every enrolled student of a class (and their active guardians):
    the September workflow. A guardian of two children in the class is reset once and
    appears on both slips with the same password."""
    students = list(
        Student.objects.filter(school_class=school_class, left_on__isnull=True)
        .select_related("user", "school")
        .prefetch_related("guardianships__guardian")
        .order_by("class_number")
    )
    issued_guardians: dict[int, IssuedLogin] = {}
    results: list[FamilyReset] = []
    for student in students:
        student.user.school = student.school
        student_login = login_password_reset(actor=actor, user=student.user)
        guardians: list[IssuedLogin] = []
        if include_guardians:
            for link in student.guardianships.all():
                guardian = link.guardian
                if not guardian.is_active:
                    continue
                if guardian.pk not in issued_guardians:
                    guardian.school = student.school
                    issued_guardians[guardian.pk] = login_password_reset(actor=actor, user=guardian)
                guardians.append(issued_guardians[guardian.pk])
        results.append(FamilyReset(student, student_login, guardians))
    return results
