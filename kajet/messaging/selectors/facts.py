"""Facts the pure recipient rules (``kajet.messaging.recipients``) decide on: who writes,
who the people are, which users a target reaches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from kajet.accounts.models import Role, StaffRole, User
from kajet.messaging.models import CouncilMember
from kajet.messaging.recipients import (
    Kind,
    Person,
    Target,
    Writer,
)
from kajet.school.access import roles_of
from kajet.school.models import (
    Course,
    GroupMembership,
    Guardianship,
    SchoolClass,
    Student,
)


def writer_for(user: User) -> Writer:
    """The facts about ``user`` that the recipient rules need (at most 4 queries)."""
    roles = roles_of(user)
    if Role.GUARDIAN in roles or Role.STUDENT in roles:
        if Role.GUARDIAN in roles:
            students = list(
                Student.objects.filter(guardianships__guardian=user, left_on__isnull=True)
                .select_related("school_class")
                .only("id", "school_class__id", "school_class__homeroom_teacher_id")
            )
        else:
            students = list(Student.objects.filter(user=user).select_related("school_class"))
        class_ids = frozenset(s.school_class_id for s in students)
        homerooms = frozenset(
            s.school_class.homeroom_teacher_id
            for s in students
            if s.school_class.homeroom_teacher_id is not None
        )
        group_ids = GroupMembership.objects.filter(student__in=students).values("group_id")
        teacher_ids = frozenset(
            Course.objects.filter(year__is_current=True)
            .filter(
                Q(school_class_id__in=class_ids, group__isnull=True) | Q(group_id__in=group_ids)
            )
            .values_list("teacher_id", flat=True)
        )
        return Writer(
            user_id=user.pk,
            roles=roles,
            family_class_ids=class_ids,
            family_teacher_ids=teacher_ids,
            family_homeroom_ids=homerooms,
        )
    courses = list(
        Course.objects.filter(teacher=user, year__is_current=True).values_list(
            "school_class_id", "group_id"
        )
    )
    homeroom_ids = frozenset(
        SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True).values_list(
            "id", flat=True
        )
    )
    school_class_ids: frozenset[int] = frozenset()
    if roles & {Role.PRINCIPAL, Role.SECRETARIAT, Role.SCHOOL_ADMIN}:
        school_class_ids = frozenset(
            SchoolClass.objects.filter(year__is_current=True).values_list("id", flat=True)
        )
    return Writer(
        user_id=user.pk,
        roles=roles,
        taught_class_ids=frozenset(c for c, g in courses if g is None),
        taught_group_ids=frozenset(g for _c, g in courses if g is not None),
        homeroom_class_ids=homeroom_ids,
        school_class_ids=school_class_ids,
    )


def persons_for(*, school_id: int, user_ids: Iterable[int]) -> dict[int, Person]:
    """Facts about chosen people of the school (5 queries for any number of them)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    users = list(
        User.objects.filter(pk__in=ids, school_id=school_id).values_list("id", "kind", "is_active")
    )
    roles: dict[int, set[str]] = defaultdict(set)
    for uid, role in StaffRole.objects.filter(user_id__in=ids).values_list("user_id", "role"):
        roles[uid].add(role)
    for uid in SchoolClass.objects.filter(
        homeroom_teacher_id__in=ids, year__is_current=True
    ).values_list("homeroom_teacher_id", flat=True):
        if uid is not None:
            roles[uid].add(Role.HOMEROOM_TEACHER)
    classes: dict[int, set[int]] = defaultdict(set)
    groups: dict[int, set[int]] = defaultdict(set)
    student_of: dict[int, list[int]] = defaultdict(list)  # student id → user ids it counts for
    for sid, uid, class_id in Student.objects.filter(
        user_id__in=ids, left_on__isnull=True
    ).values_list("id", "user_id", "school_class_id"):
        classes[uid].add(class_id)
        student_of[sid].append(uid)
    for sid, gid, class_id in Guardianship.objects.filter(
        guardian_id__in=ids, student__left_on__isnull=True
    ).values_list("student_id", "guardian_id", "student__school_class_id"):
        classes[gid].add(class_id)
        student_of[sid].append(gid)
    if student_of:
        for sid, group_id in GroupMembership.objects.filter(
            student_id__in=list(student_of)
        ).values_list("student_id", "group_id"):
            for uid in student_of[sid]:
                groups[uid].add(group_id)
    return {
        uid: Person(
            user_id=uid,
            kind=kind,
            roles=frozenset(roles[uid]),
            class_ids=frozenset(classes[uid]),
            group_ids=frozenset(groups[uid]),
            active=active,
        )
        for uid, kind, active in users
    }


def target_user_ids(*, school_id: int, targets: Iterable[Target]) -> set[int]:
    """Every active login the targets reach (one query, whatever the number of targets)."""
    condition = Q(pk__in=[])
    enrolled = Q(left_on__isnull=True)
    for target in targets:
        kind = target.kind
        if kind is Kind.PERSON:
            condition |= Q(pk=target.ref_id)
        elif kind is Kind.ROLE:
            condition |= Q(pk__in=StaffRole.objects.filter(role=target.ref).values("user_id"))
        elif kind is Kind.STAFF:
            condition |= Q(kind=User.Kind.STAFF)
        elif kind is Kind.ALL_GUARDIANS:
            condition |= Q(
                pk__in=Guardianship.objects.filter(student__left_on__isnull=True).values(
                    "guardian_id"
                )
            )
        elif kind is Kind.ALL_STUDENTS:
            condition |= Q(pk__in=Student.objects.filter(enrolled).values("user_id"))
        elif kind is Kind.COUNCIL:
            condition |= Q(
                pk__in=CouncilMember.objects.filter(school_class_id=target.ref_id).values(
                    "guardian_id"
                )
            )
        else:
            if kind in (Kind.CLASS_ALL, Kind.CLASS_GUARDIANS, Kind.CLASS_STUDENTS):
                students = Student.objects.filter(enrolled, school_class_id=target.ref_id)
            else:
                students = Student.objects.filter(enrolled, memberships__group_id=target.ref_id)
            if kind in (Kind.CLASS_ALL, Kind.CLASS_STUDENTS, Kind.GROUP_STUDENTS):
                condition |= Q(pk__in=students.values("user_id"))
            if kind in (Kind.CLASS_ALL, Kind.CLASS_GUARDIANS, Kind.GROUP_GUARDIANS):
                condition |= Q(
                    pk__in=Guardianship.objects.filter(student__in=students.values("pk")).values(
                        "guardian_id"
                    )
                )
    return set(
        User.objects.filter(condition, school_id=school_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
