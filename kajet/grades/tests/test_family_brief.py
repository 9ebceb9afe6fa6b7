"""``family_children_brief`` (the home page's children, read with ``values_list`` and made
into students) gives what the plain ``select_related`` read gives."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from kajet.accounts.models import User
from kajet.grades.models import GradesVisit
from kajet.grades.selectors.family import family_children_brief
from kajet.school.models import ClassGroup, GroupMembership, Guardianship, Student
from kajet.testutils.factories import SchoolWorld, StudentFactory


def _request(user: User) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    return request


def _plain(user: User) -> list[tuple[Any, ...]]:
    """The same facts read the plain way: model rows, the groups and visits row by row."""
    students = Student.objects.select_related("user", "school_class")
    if user.kind == User.Kind.STUDENT:
        students = students.filter(user=user)
    else:
        students = students.filter(guardianships__guardian=user)
    rows = []
    for s in students.order_by("left_on", "user__first_name", "pk"):
        visit = GradesVisit.objects.filter(user=user, student=s).first()
        groups = sorted(GroupMembership.objects.filter(student=s).values_list("group", flat=True))
        rows.append(_facts(s, visit.seen_at if visit else None, groups))
    return rows


def _facts(s: Student, seen: datetime.datetime | None, groups: list[int]) -> tuple[Any, ...]:
    return (
        s.pk,
        s.school_id,
        s.school_class_id,
        s.class_number,
        s.left_on,
        s.is_enrolled,
        s.user.first_name,
        s.user.full_name,
        s.school_class.name,
        seen,
        groups,
    )


def test_the_brief_read_equals_the_plain_read(world: SchoolWorld) -> None:
    guardian = world.user("guardian")
    # A second child in another class with two groups, enrolment ended; a third with none.
    second = StudentFactory(school_class=world.other_class, class_number=7)
    second.left_on = datetime.date(2026, 11, 30)
    second.save()
    third = StudentFactory(school_class=world.school_class, class_number=9)
    for child in (second, third):
        Guardianship.objects.create(school=world.school, guardian=guardian, student=child)
    for name in ("ANG gr. 2", "WF dz."):
        group = ClassGroup.objects.create(
            school=world.school, school_class=world.other_class, name=name
        )
        GroupMembership.objects.create(school=world.school, group=group, student=second)
    GradesVisit.objects.create(
        school=world.school, user=guardian, student=world.student, seen_at=timezone.now()
    )

    for user in (guardian, world.user("student")):
        children, selected = family_children_brief(_request(user))
        brief = [_facts(c, c.grades_seen_at, c.group_ids) for c in children]
        assert brief == _plain(user)
        assert selected is not None and selected.pk == children[0].pk
    assert len(family_children_brief(_request(guardian))[0]) == 3


def test_staff_have_no_children(world: SchoolWorld) -> None:
    assert family_children_brief(_request(world.user("teacher"))) == ([], None)
