"""Helpers shared by the school office views: building login slips from issued logins."""

from __future__ import annotations

from collections.abc import Iterable

from kajet.accounts.models import User
from kajet.school.services import EnrolmentResult, FamilyReset, IssuedLogin
from kajet.school.slips import Slip, SlipPerson


def person(issued: IssuedLogin, role: str) -> SlipPerson:
    return SlipPerson(
        role=role, name=issued.user.full_name, login=issued.user.login, password=issued.password
    )


def family_slips(results: Iterable[EnrolmentResult | FamilyReset]) -> list[Slip]:
    """One slip per family: the student first, then each guardian who got a password."""
    return [
        Slip(
            title=r.student.user.full_name,
            class_name=r.student.school_class.name,
            people=[person(r.student_login, "student")]
            + [person(g, "guardian") for g in r.guardian_logins],
        )
        for r in results
    ]


def single_slip(issued: IssuedLogin, *, class_name: str = "") -> Slip:
    role = {User.Kind.STUDENT: "student", User.Kind.GUARDIAN: "guardian"}.get(
        User.Kind(issued.user.kind), "staff"
    )
    return Slip(title=issued.user.full_name, class_name=class_name, people=[person(issued, role)])
