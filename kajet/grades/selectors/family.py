"""The family's side: which children a guardian (or a student themself) sees, with each
child's policy and page-cache stamp."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest

from kajet.accounts.models import User
from kajet.grades import page_cache
from kajet.grades.models import (
    GradesVisit,
    policy_from_row,
)
from kajet.grades.scale import Policy
from kajet.school.family import SESSION_KEY
from kajet.school.models import SchoolClass, Student


def policy_of_student(student: Student) -> Policy:
    """The policy loaded with the student (``select_related("school__grading_policy")``)."""
    return policy_from_row(page_cache.policy_row(student))


def family_children(
    request: HttpRequest, *, student_id: int | None = None
) -> tuple[list[Student], Student | None]:
    """(the students a family user sees, the chosen one) in ONE query, with each student's
    school policy and ``grades_seen_at`` (the user's last visit) loaded.

    The choice is ``?uczen=<id>`` if it is one of them, else the dashboard's child switcher
    (session), else the first child. Staff get ([], None).
    """
    user = request.user
    if not isinstance(user, User) or user.kind not in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        return [], None
    qs = Student.objects.select_related("user", "school_class", "school__grading_policy")
    if user.kind == User.Kind.STUDENT:
        qs = qs.filter(user=user)
    else:
        qs = qs.filter(guardianships__guardian=user)
    seen = GradesVisit.objects.filter(user=user, student=OuterRef("pk")).values("seen_at")[:1]
    children = list(
        qs.annotate(grades_seen_at=Subquery(seen)).order_by("left_on", "user__first_name", "pk")
    )
    return children, choose_child(request, children, student_id=student_id)


#: What the home page shows of each child (the switcher, the class line, the lucky number),
#: and what its cache keys need: the student's, the user's and the class's columns read.
_BRIEF_STUDENT = ("id", "school_id", "user_id", "school_class_id", "class_number", "left_on")
_BRIEF_USER = ("user__first_name", "user__last_name")
_BRIEF_CLASS = ("school_class__name",)


def family_children_brief(request: HttpRequest) -> tuple[list[Student], Student | None]:
    """``family_children`` for the home page, in ONE query of only the columns it shows
    (no policy), with ``grades_seen_at`` and ``group_ids`` — the student's groups as a
    sorted list of ids, part of the home page's cache key of what a class and its groups
    share (kajet/dashboard/caching.py).

    The rows are read with ``values_list`` (the groups by a join: a row per group) and made
    into students whose other fields are deferred, as ``.only()`` would make them. Measured
    on dataset M (quiet machine, per call): ``select_related`` + ``only`` + a ``StringAgg``
    subquery of the groups cost 1.9 ms of ORM building for 0.04 ms of SQL; this shape 1.3 ms
    (bench/RESULTS.md, 2026-12-06). ``kajet/grades/tests/test_family_brief.py`` compares it
    with the plain ``select_related`` read."""
    user = request.user
    if not isinstance(user, User) or user.kind not in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        return [], None
    qs = Student.objects.all()
    if user.kind == User.Kind.STUDENT:
        qs = qs.filter(user=user)
    else:
        qs = qs.filter(guardianships__guardian=user)
    seen = GradesVisit.objects.filter(user=user, student=OuterRef("pk")).values("seen_at")[:1]
    rows = (
        qs.annotate(grades_seen_at=Subquery(seen))
        .order_by("left_on", "user__first_name", "pk", "memberships__group_id")
        .values_list(
            *_BRIEF_STUDENT,
            *_BRIEF_USER,
            *_BRIEF_CLASS,
            "grades_seen_at",
            "memberships__group_id",
        )
    )
    children: dict[int, Student] = {}
    groups: dict[int, list[int]] = {}
    n_student, n_user = len(_BRIEF_STUDENT), len(_BRIEF_USER)
    for row in rows:
        pk = row[0]
        if pk not in children:
            child = Student.from_db(qs.db, list(_BRIEF_STUDENT), list(row[:n_student]))
            first, last = row[n_student : n_student + n_user]
            child.user = User.from_db(
                qs.db, ["id", "first_name", "last_name"], [row[2], first, last]
            )
            child.school_class = SchoolClass.from_db(
                qs.db, ["id", "name"], [row[3], row[n_student + n_user]]
            )
            # What the annotated queryset would have set (the dashboard reads both).
            setattr(child, "grades_seen_at", row[-2])  # noqa: B010
            children[pk] = child
        groups.setdefault(pk, [])
        if row[-1] is not None:
            groups[pk].append(row[-1])
    for pk, child in children.items():
        setattr(child, "group_ids", groups[pk])  # noqa: B010
    students = list(children.values())
    return students, choose_child(request, students)


def family_children_probed(
    request: HttpRequest, *, student_id: int | None = None
) -> tuple[list[Student], Student | None]:
    """``family_children`` for the grades page: the same choice, from one query that also
    carries each student's cache stamp (see ``page_cache``)."""
    user = request.user
    if not isinstance(user, User) or user.kind not in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        return [], None
    children = page_cache.probe_children(user)
    return children, choose_child(request, children, student_id=student_id)


def choose_child(
    request: HttpRequest, children: list[Student], *, student_id: int | None = None
) -> Student | None:
    """The chosen child: ``student_id`` or ``?uczen=<id>`` if it is one of ``children``, else
    the dashboard's child switcher (session), else the first child. A guardian's explicit
    choice is remembered in the session."""
    user = request.user
    wanted: Any = student_id or request.GET.get("uczen") or request.session.get(SESSION_KEY)
    try:
        wanted_id = int(wanted) if wanted is not None else None
    except (TypeError, ValueError):
        wanted_id = None
    selected = next((c for c in children if c.pk == wanted_id), None)
    if selected is None and children:
        selected = children[0]
    switched = selected is not None and request.session.get(SESSION_KEY) != selected.pk
    asked = student_id is not None or request.GET.get("uczen")
    if switched and asked and getattr(user, "kind", None) == User.Kind.GUARDIAN:
        assert selected is not None
        request.session[SESSION_KEY] = selected.pk
    return selected
