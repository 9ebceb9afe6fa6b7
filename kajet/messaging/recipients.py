"""Who may write to whom — pure rules over ids and roles (no ORM), tested as tables.

A recipient is chosen as a ``Target``: one person (``person:17``) or a group (``council:4``,
``class_guardians:4``, ``role:pedagogue``, ``all_guardians`` …). The facts the rules need about
the writer (``Writer``) and about a chosen person (``Person``) are gathered by
``kajet.messaging.selectors``; these functions only decide.

The rules (issue 4):
- guardian: the child's homeroom teacher, a teacher who teaches the child, the class parents'
  council, the pedagogue, psychologist, school administrator, secretariat and principal; never
  other parents one by one;
- student: their teachers, the homeroom teacher, pedagogue, psychologist, secretariat; never
  other students;
- teacher: guardians and students of the classes and groups they teach (whole class or chosen
  people), the staff;
- homeroom teacher: also everyone of their class and the class parents' council;
- principal, secretariat, school administrator: all guardians, all students, all staff, per
  class;
- pedagogue and psychologist (not named by the issue): the staff, and any guardian or student
  one by one (they are the school's counsellors and already see every student).
Anyone may answer the sender of a message they received (checked by the service).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kajet.accounts.models import Role
from kajet.core.numbers import parse_id


class Kind(StrEnum):
    PERSON = "person"  # ref: user id
    ROLE = "role"  # ref: a staff role (everyone holding it)
    STAFF = "staff"  # all staff
    COUNCIL = "council"  # ref: class id — the class parents' council
    CLASS_ALL = "class_all"  # ref: class id — students and guardians
    CLASS_GUARDIANS = "class_guardians"  # ref: class id
    CLASS_STUDENTS = "class_students"  # ref: class id
    GROUP_GUARDIANS = "group_guardians"  # ref: group id
    GROUP_STUDENTS = "group_students"  # ref: group id
    ALL_GUARDIANS = "all_guardians"
    ALL_STUDENTS = "all_students"


#: Kinds whose ref is a number (an id); ROLE's ref is a role name; the rest take none.
ID_KINDS = frozenset(
    {
        Kind.PERSON,
        Kind.COUNCIL,
        Kind.CLASS_ALL,
        Kind.CLASS_GUARDIANS,
        Kind.CLASS_STUDENTS,
        Kind.GROUP_GUARDIANS,
        Kind.GROUP_STUDENTS,
    }
)
NO_REF_KINDS = frozenset({Kind.STAFF, Kind.ALL_GUARDIANS, Kind.ALL_STUDENTS})

STAFF_WRITER_ROLES = frozenset(
    {
        Role.TEACHER,
        Role.HOMEROOM_TEACHER,
        Role.PEDAGOGUE,
        Role.PSYCHOLOGIST,
        Role.SECRETARIAT,
        Role.SCHOOL_ADMIN,
        Role.PRINCIPAL,
    }
)
#: Roles that write to the whole school, per class.
SCHOOL_WIDE_WRITERS = frozenset({Role.PRINCIPAL, Role.SECRETARIAT, Role.SCHOOL_ADMIN})
COUNSELLORS = frozenset({Role.PEDAGOGUE, Role.PSYCHOLOGIST})
#: Staff roles that can be written to as a group ("role:<name>").
ROLE_GROUPS = (
    Role.PEDAGOGUE,
    Role.PSYCHOLOGIST,
    Role.SCHOOL_ADMIN,
    Role.SECRETARIAT,
    Role.PRINCIPAL,
    Role.TEACHER,
)
#: Staff roles a family member may write to as a role (besides their own teachers).
FAMILY_ROLE_TARGETS: dict[str, frozenset[str]] = {
    Role.GUARDIAN: frozenset(
        {Role.PEDAGOGUE, Role.PSYCHOLOGIST, Role.SCHOOL_ADMIN, Role.SECRETARIAT, Role.PRINCIPAL}
    ),
    Role.STUDENT: frozenset({Role.PEDAGOGUE, Role.PSYCHOLOGIST, Role.SECRETARIAT}),
}


@dataclass(frozen=True)
class Target:
    kind: Kind
    ref: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}" if self.ref else str(self.kind)

    @property
    def ref_id(self) -> int:
        return int(self.ref)

    @classmethod
    def parse(cls, key: str) -> Target | None:
        """``"council:4"`` → Target; None for anything malformed."""
        name, _, ref = key.strip().partition(":")
        try:
            kind = Kind(name)
        except ValueError:
            return None
        if kind in ID_KINDS:
            ref_id = parse_id(ref)
            return cls(kind, str(ref_id)) if ref_id is not None else None
        if kind is Kind.ROLE:
            return cls(kind, ref) if ref in ROLE_GROUPS else None
        return cls(kind) if not ref else None


@dataclass(frozen=True)
class Writer:
    """What the rules need to know about the person writing."""

    user_id: int
    roles: frozenset[str]
    # guardian: their children's classes; student: their own class
    family_class_ids: frozenset[int] = frozenset()
    # teachers who teach the child (guardian) or the student
    family_teacher_ids: frozenset[int] = frozenset()
    # homeroom teachers of family_class_ids
    family_homeroom_ids: frozenset[int] = frozenset()
    # classes taught as a whole, and groups taught (teacher)
    taught_class_ids: frozenset[int] = frozenset()
    taught_group_ids: frozenset[int] = frozenset()
    homeroom_class_ids: frozenset[int] = frozenset()
    # every class of the school's current year (school-wide writers)
    school_class_ids: frozenset[int] = frozenset()

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_WRITER_ROLES)

    @property
    def is_school_wide(self) -> bool:
        return bool(self.roles & SCHOOL_WIDE_WRITERS)

    @property
    def family_role_targets(self) -> frozenset[str]:
        allowed: frozenset[str] = frozenset()
        for role in self.roles:
            allowed |= FAMILY_ROLE_TARGETS.get(role, frozenset())
        return allowed


@dataclass(frozen=True)
class Person:
    """What the rules need to know about one chosen recipient."""

    user_id: int
    kind: str  # "guardian" | "student" | "staff"
    roles: frozenset[str] = frozenset()  # staff roles
    class_ids: frozenset[int] = frozenset()  # own class (student) or children's (guardian)
    group_ids: frozenset[int] = frozenset()
    active: bool = True


def may_write_to_person(writer: Writer, person: Person) -> bool:
    """Whether ``writer`` may write to this one person."""
    if person.user_id == writer.user_id or not person.active:
        return False
    if writer.is_staff:
        if person.kind == "staff":
            return True
        if writer.is_school_wide or writer.roles & COUNSELLORS:
            return True
        if person.class_ids & (writer.taught_class_ids | writer.homeroom_class_ids):
            return True
        return bool(person.group_ids & writer.taught_group_ids)
    # guardian or student: staff only, never other families
    if person.kind != "staff":
        return False
    if person.user_id in writer.family_homeroom_ids | writer.family_teacher_ids:
        return True
    return bool(person.roles & writer.family_role_targets)


def may_write_to_group(writer: Writer, target: Target) -> bool:
    """Whether ``writer`` may write to a group target (not PERSON)."""
    kind = target.kind
    if kind is Kind.PERSON:
        raise ValueError("use may_write_to_person for a person")
    if kind is Kind.ROLE:
        if writer.is_staff:
            return True
        return target.ref in writer.family_role_targets
    if kind is Kind.STAFF:
        return writer.is_staff
    if kind in (Kind.ALL_GUARDIANS, Kind.ALL_STUDENTS):
        return writer.is_school_wide
    return _may_write_to_class_or_group(writer, kind, target.ref_id)


def _may_write_to_class_or_group(writer: Writer, kind: Kind, ref: int) -> bool:
    """The targets that name one class (council, everyone, guardians, students) or group."""
    if kind in (Kind.GROUP_GUARDIANS, Kind.GROUP_STUDENTS):
        return ref in writer.taught_group_ids
    if ref in writer.homeroom_class_ids:
        return True  # a homeroom teacher writes to anyone of their class, council included
    if kind is Kind.COUNCIL:
        return Role.GUARDIAN in writer.roles and ref in writer.family_class_ids
    if writer.is_school_wide and ref in writer.school_class_ids:
        return True
    return kind in (Kind.CLASS_GUARDIANS, Kind.CLASS_STUDENTS) and ref in writer.taught_class_ids


def may_forward(roles: frozenset[str]) -> bool:
    """Forwarding is for staff (a family member cannot pass a message on to others)."""
    return bool(roles & STAFF_WRITER_ROLES)
