"""The pure recipient rules, as tables."""

from __future__ import annotations

import pytest

from kajet.messaging.recipients import (
    Kind,
    Person,
    Target,
    Writer,
    may_forward,
    may_write_to_group,
    may_write_to_person,
)

F = frozenset

GUARDIAN = Writer(
    user_id=1,
    roles=F({"guardian"}),
    family_class_ids=F({10}),
    family_teacher_ids=F({50}),
    family_homeroom_ids=F({51}),
)
STUDENT = Writer(
    user_id=2,
    roles=F({"student"}),
    family_class_ids=F({10}),
    family_teacher_ids=F({50}),
    family_homeroom_ids=F({51}),
)
TEACHER = Writer(
    user_id=50, roles=F({"teacher"}), taught_class_ids=F({10}), taught_group_ids=F({7})
)
HOMEROOM = Writer(
    user_id=51, roles=F({"teacher", "homeroom_teacher"}), homeroom_class_ids=F({10, 12})
)
PRINCIPAL = Writer(user_id=60, roles=F({"principal"}), school_class_ids=F({10, 11, 12}))
PEDAGOGUE = Writer(user_id=61, roles=F({"pedagogue"}))

HOMEROOM_P = Person(51, "staff", F({"teacher", "homeroom_teacher"}))
CHILD_TEACHER = Person(50, "staff", F({"teacher"}))
OTHER_TEACHER = Person(52, "staff", F({"teacher"}))
PEDAGOGUE_P = Person(61, "staff", F({"pedagogue"}))
PSYCH_P = Person(62, "staff", F({"psychologist"}))
ADMIN_P = Person(63, "staff", F({"school_admin"}))
SECRETARIAT_P = Person(64, "staff", F({"secretariat"}))
PRINCIPAL_P = Person(60, "staff", F({"principal"}))
OTHER_PARENT = Person(3, "guardian", class_ids=F({10}))
OTHER_STUDENT = Person(4, "student", class_ids=F({10}))
FAR_PARENT = Person(5, "guardian", class_ids=F({11}))
GROUP_STUDENT = Person(6, "student", class_ids=F({11}), group_ids=F({7}))
GONE_TEACHER = Person(53, "staff", F({"teacher"}), active=False)


@pytest.mark.parametrize(
    ("writer", "person", "allowed"),
    [
        # guardian
        (GUARDIAN, HOMEROOM_P, True),
        (GUARDIAN, CHILD_TEACHER, True),
        (GUARDIAN, OTHER_TEACHER, False),
        (GUARDIAN, PEDAGOGUE_P, True),
        (GUARDIAN, PSYCH_P, True),
        (GUARDIAN, ADMIN_P, True),
        (GUARDIAN, SECRETARIAT_P, True),
        (GUARDIAN, PRINCIPAL_P, True),
        (GUARDIAN, OTHER_PARENT, False),
        (GUARDIAN, OTHER_STUDENT, False),
        (GUARDIAN, GONE_TEACHER, False),
        # student
        (STUDENT, HOMEROOM_P, True),
        (STUDENT, CHILD_TEACHER, True),
        (STUDENT, OTHER_TEACHER, False),
        (STUDENT, PEDAGOGUE_P, True),
        (STUDENT, PSYCH_P, True),
        (STUDENT, SECRETARIAT_P, True),
        (STUDENT, ADMIN_P, False),
        (STUDENT, PRINCIPAL_P, False),
        (STUDENT, OTHER_STUDENT, False),
        (STUDENT, OTHER_PARENT, False),
        # teacher
        (TEACHER, OTHER_PARENT, True),
        (TEACHER, OTHER_STUDENT, True),
        (TEACHER, FAR_PARENT, False),
        (TEACHER, GROUP_STUDENT, True),
        (TEACHER, OTHER_TEACHER, True),
        (TEACHER, PRINCIPAL_P, True),
        (TEACHER, CHILD_TEACHER, False),  # themself
        # homeroom teacher
        (HOMEROOM, OTHER_PARENT, True),
        (HOMEROOM, FAR_PARENT, False),
        # school-wide
        (PRINCIPAL, FAR_PARENT, True),
        (PRINCIPAL, OTHER_STUDENT, True),
        (PRINCIPAL, OTHER_TEACHER, True),
        # counsellor
        (PEDAGOGUE, FAR_PARENT, True),
        (PEDAGOGUE, OTHER_TEACHER, True),
    ],
)
def test_person_rules(writer: Writer, person: Person, allowed: bool) -> None:
    assert may_write_to_person(writer, person) is allowed


def t(key: str) -> Target:
    target = Target.parse(key)
    assert target is not None
    return target


@pytest.mark.parametrize(
    ("writer", "key", "allowed"),
    [
        (GUARDIAN, "council:10", True),
        (GUARDIAN, "council:11", False),
        (GUARDIAN, "role:pedagogue", True),
        (GUARDIAN, "role:principal", True),
        (GUARDIAN, "role:teacher", False),
        (GUARDIAN, "class_guardians:10", False),
        (GUARDIAN, "class_all:10", False),
        (GUARDIAN, "staff", False),
        (GUARDIAN, "all_guardians", False),
        (STUDENT, "council:10", False),
        (STUDENT, "role:psychologist", True),
        (STUDENT, "role:secretariat", True),
        (STUDENT, "role:principal", False),
        (STUDENT, "role:school_admin", False),
        (STUDENT, "class_students:10", False),
        (TEACHER, "class_guardians:10", True),
        (TEACHER, "class_students:10", True),
        (TEACHER, "class_guardians:11", False),
        (TEACHER, "class_all:10", False),
        (TEACHER, "group_guardians:7", True),
        (TEACHER, "group_students:7", True),
        (TEACHER, "group_students:8", False),
        (TEACHER, "council:10", False),
        (TEACHER, "staff", True),
        (TEACHER, "role:psychologist", True),
        (TEACHER, "all_guardians", False),
        (HOMEROOM, "class_all:10", True),
        (HOMEROOM, "class_all:11", False),
        (HOMEROOM, "council:12", True),
        (HOMEROOM, "class_guardians:12", True),
        (PRINCIPAL, "all_guardians", True),
        (PRINCIPAL, "all_students", True),
        (PRINCIPAL, "staff", True),
        (PRINCIPAL, "class_guardians:11", True),
        (PRINCIPAL, "class_all:12", True),
        (PRINCIPAL, "class_students:99", False),  # not a class of the school
        (PRINCIPAL, "council:11", False),
        (PEDAGOGUE, "staff", True),
        (PEDAGOGUE, "all_guardians", False),
        (PEDAGOGUE, "class_guardians:10", False),
    ],
)
def test_group_rules(writer: Writer, key: str, allowed: bool) -> None:
    assert may_write_to_group(writer, t(key)) is allowed


@pytest.mark.parametrize(
    ("key", "parsed"),
    [
        ("person:17", Target(Kind.PERSON, "17")),
        ("council:004", Target(Kind.COUNCIL, "4")),
        ("role:pedagogue", Target(Kind.ROLE, "pedagogue")),
        ("all_guardians", Target(Kind.ALL_GUARDIANS)),
        ("person:", None),
        ("person:-1", None),
        ("person:abc", None),
        ("role:guardian", None),
        ("staff:1", None),
        ("everyone", None),
        ("", None),
    ],
)
def test_target_parse(key: str, parsed: Target | None) -> None:
    assert Target.parse(key) == parsed
    if parsed is not None:
        assert Target.parse(parsed.key) == parsed


def test_person_target_is_not_a_group() -> None:
    with pytest.raises(ValueError):
        may_write_to_group(TEACHER, t("person:1"))


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        ({"guardian"}, False),
        ({"student"}, False),
        ({"teacher"}, True),
        ({"secretariat"}, True),
        ({"pedagogue"}, True),
    ],
)
def test_forward_is_for_staff(roles: set[str], allowed: bool) -> None:
    assert may_forward(frozenset(roles)) is allowed
