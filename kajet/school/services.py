"""Writes to the school structure: enrolling students with guardians (one by one or in bulk),
issuing school logins, moving students, ending enrolments, staff accounts.

Logins: a family gets a number of 7 digits; the first guardian's login is the number and the
student's login is the same number followed by ``u``. Every further guardian gets a number of
their own. Numbers are unique deployment-wide (User.login is unique).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from kajet.accounts.models import StaffRole, User
from kajet.accounts.services import (
    device_sessions_end_others,
    generate_password,
    issued_password_hash,
    password_reset_issue,
)
from kajet.core.history import history_record, history_record_many
from kajet.core.models import School, TenantModel
from kajet.school.csv_import import StudentRow
from kajet.school.models import (
    ClassGroup,
    GroupMembership,
    Guardianship,
    SchoolClass,
    SchoolYear,
    Student,
)

LOGIN_DIGITS = 7


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
class IssuedLogin:
    """A login and its initial password, shown once (on screen and on the printed slip)."""

    user: User
    password: str


@dataclass
class EnrolmentResult:
    student: Student
    student_login: IssuedLogin
    guardian_logins: list[IssuedLogin]


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


def _snapshot(student: Student) -> dict[str, Any]:
    return {
        "class": student.school_class.name,
        "class_number": student.class_number,
        "left_on": student.left_on.isoformat() if student.left_on else None,
    }


@transaction.atomic
def students_enrol(
    *,
    school: School,
    actor: Any,
    rows: Sequence[StudentInput],
    enrolled_on: datetime.date | None = None,
    login_numbers: Sequence[str] | None = None,
) -> list[EnrolmentResult]:
    """Enrol students with their guardians in bulk (a few INSERTs whatever the count).

    All or nothing: the caller validates first; any database error rolls back everything.
    Class-list numbers not given continue after the highest number in the class.
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
        class_id = row.school_class.pk
        if row.class_number is None:
            next_number[class_id] = next_number.get(class_id, 0) + 1
            number = next_number[class_id]
        else:
            number = row.class_number
            next_number[class_id] = max(next_number.get(class_id, 0), number)
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
def guardian_add(*, actor: Any, student: Student, guardian: GuardianInput) -> IssuedLogin | None:
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
def student_move(*, actor: Any, student: Student, school_class: SchoolClass) -> Student:
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
def student_end_enrolment(*, actor: Any, student: Student, left_on: datetime.date) -> Student:
    """End an enrolment: the record and all register data stay; the student's login is turned
    off, and so is each guardian login that has no other enrolled child."""
    if student.left_on is not None:
        return student
    old = _snapshot(student)
    student.left_on = left_on
    student.save(update_fields=["left_on"])
    User.objects.filter(pk=student.user_id).update(is_active=False)
    guardians = list(
        Guardianship.objects.filter(student=student).values_list("guardian_id", flat=True)
    )
    still_needed = set(
        Guardianship.objects.filter(
            guardian_id__in=guardians, student__left_on__isnull=True
        ).values_list("guardian_id", flat=True)
    )
    User.objects.filter(pk__in=set(guardians) - still_needed).update(is_active=False)
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


@transaction.atomic
def staff_create(
    *,
    school: School,
    actor: Any,
    login: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[str],
) -> IssuedLogin:
    """A staff login with its roles and an initial password to hand over."""
    user, raw = _new_user(
        school=school,
        kind=User.Kind.STAFF,
        login=login.strip().lower(),
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    user.save()
    StaffRole.objects.bulk_create([StaffRole(school=school, user=user, role=r) for r in set(roles)])
    history_record(
        school=school,
        actor=actor,
        code="school.staff.created",
        object_type="user",
        object_id=user.pk,
        new={"login": user.login, "roles": sorted(set(roles))},
    )
    return IssuedLogin(user, raw)


@transaction.atomic
def staff_set_roles(*, actor: Any, user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    assert user.school is not None
    old = sorted(StaffRole.objects.filter(user=user).values_list("role", flat=True))
    StaffRole.objects.filter(user=user).exclude(role__in=wanted).delete()
    StaffRole.objects.bulk_create(
        [StaffRole(school=user.school, user=user, role=r) for r in wanted - set(old)]
    )
    history_record(
        school=user.school,
        actor=actor,
        code="school.staff.roles_changed",
        object_type="user",
        object_id=user.pk,
        old=old,
        new=sorted(wanted),
    )


# --- pages of the school office (students, logins, staff) ----------------------------------------


def students_import(
    *, school: School, actor: Any, rows: Sequence[StudentRow], classes: dict[str, SchoolClass]
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
    actor: Any,
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


@transaction.atomic
def login_password_reset(*, actor: Any, user: User) -> IssuedLogin:
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
    *, actor: Any, school_class: SchoolClass, include_guardians: bool
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


@transaction.atomic
def staff_update(*, actor: Any, user: User, first_name: str, last_name: str, email: str) -> User:
    """Correct a staff member's name or e-mail."""
    assert user.school is not None
    old = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email
    user.save(update_fields=["first_name", "last_name", "email"])
    new = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    if old != new:
        history_record(
            school=user.school,
            actor=actor,
            code="school.staff.changed",
            object_type="user",
            object_id=user.pk,
            old=old,
            new=new,
        )
    return user


@transaction.atomic
def staff_set_active(*, actor: Any, user: User, active: bool) -> User:
    """Turn a staff login off (its sessions and tokens end) or back on. Nothing is deleted:
    grades and messages keep their author."""
    assert user.school is not None
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        device_sessions_end_others(user=user, keep_key=None)
    history_record(
        school=user.school,
        actor=actor,
        code="school.staff.activated" if active else "school.staff.deactivated",
        object_type="user",
        object_id=user.pk,
    )
    return user


# --- school structure (administrator) ------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def structure_snapshot(obj: Model) -> dict[str, Any]:
    """The plain field values of a structure object, for its history entry."""
    return {
        f.attname: _json_value(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.name not in ("id", "school")
    }


@transaction.atomic
def structure_save(*, actor: Any, obj: TenantModel, kind: str) -> TenantModel:
    """Create or change a structure object (year, term, period, class, group, subject,
    course) and record who did it. A unique-constraint violation raises IntegrityError and
    changes nothing. Making a school year current makes the others not current."""
    created = obj.pk is None
    old = None if created else structure_snapshot(type(obj).objects.get(pk=obj.pk))
    if isinstance(obj, SchoolYear) and obj.is_current:
        SchoolYear.objects.filter(school=obj.school, is_current=True).exclude(pk=obj.pk).update(
            is_current=False
        )
    obj.save()
    history_record(
        school=obj.school,
        actor=actor,
        code=f"school.{kind}.{'created' if created else 'changed'}",
        object_type=kind,
        object_id=obj.pk,
        old=old,
        new=structure_snapshot(obj),
    )
    return obj


@transaction.atomic
def group_set_members(*, actor: Any, group: ClassGroup, students: Iterable[Student]) -> None:
    """Make the group's members exactly ``students`` (all of the group's class)."""
    wanted = {s.pk for s in students if s.school_class_id == group.school_class_id}
    current = set(GroupMembership.objects.filter(group=group).values_list("student_id", flat=True))
    GroupMembership.objects.filter(group=group, student_id__in=current - wanted).delete()
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(school=group.school, group=group, student_id=pk)
            for pk in wanted - current
        ]
    )
    if wanted != current:
        history_record(
            school=group.school,
            actor=actor,
            code="school.group.members_changed",
            object_type="group",
            object_id=group.pk,
            old=sorted(current),
            new=sorted(wanted),
        )


@transaction.atomic
def school_settings_update(
    *,
    actor: Any,
    school: School,
    staff_idle_minutes: int,
    family_idle_minutes: int,
    require_staff_2fa: bool,
) -> School:
    """Change the school's session and sign-in policy."""
    old = {
        "staff_idle_minutes": school.staff_idle_minutes,
        "family_idle_minutes": school.family_idle_minutes,
        "require_staff_2fa": school.require_staff_2fa,
    }
    school.staff_idle_minutes = staff_idle_minutes
    school.family_idle_minutes = family_idle_minutes
    school.require_staff_2fa = require_staff_2fa
    school.save(update_fields=list(old))
    history_record(
        school=school,
        actor=actor,
        code="school.settings.changed",
        object_type="school",
        object_id=school.pk,
        old=old,
        new={k: getattr(school, k) for k in old},
    )
    return school
