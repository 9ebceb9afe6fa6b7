"""Staff accounts: creating them, their roles, corrections, turning a login off or on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from kajet.accounts.models import StaffRole, User
from kajet.accounts.services import device_sessions_end_others
from kajet.core.history import history_record, history_record_many
from kajet.core.models import School
from kajet.school.services.logins import IssuedLogin, _new_user
from kajet.school.staff_csv import StaffRow


@transaction.atomic
def staff_create(
    *,
    school: School,
    actor: User,
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
def staff_import(*, school: School, actor: User, rows: Sequence[StaffRow]) -> list[IssuedLogin]:
    """Create the validated rows of a staff CSV file (``staff_csv.validate_staff_rows``) in a
    few INSERTs whatever the count: all or nothing, each with an initial password to print."""
    issued: list[IssuedLogin] = []
    for row in rows:
        user, raw = _new_user(
            school=school,
            kind=User.Kind.STAFF,
            login=row.login,
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
        )
        issued.append(IssuedLogin(user, raw))
    users = User.objects.bulk_create([i.user for i in issued], batch_size=500)
    if not all(u.pk for u in users):  # SQLite before 3.35 does not return ids
        by_login = dict(
            User.objects.filter(login__in=[u.login for u in users]).values_list("login", "pk")
        )
        for u in users:
            u.pk = by_login[u.login]
    StaffRole.objects.bulk_create(
        [
            StaffRole(school=school, user=i.user, role=role)
            for i, row in zip(issued, rows, strict=True)
            for role in row.roles
        ],
        batch_size=500,
    )
    history_record_many(
        school=school,
        actor=actor,
        entries=[
            {
                "code": "school.staff.created",
                "object_type": "user",
                "object_id": i.user.pk,
                "old": None,
                "new": {"login": i.user.login, "roles": sorted(row.roles), "source": "csv"},
            }
            for i, row in zip(issued, rows, strict=True)
        ],
    )
    return issued


@transaction.atomic
def staff_set_roles(*, actor: User, user: User, roles: Iterable[str]) -> None:
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


@transaction.atomic
def staff_update(*, actor: User, user: User, first_name: str, last_name: str, email: str) -> User:
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
def staff_set_active(*, actor: User, user: User, active: bool) -> User:
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
