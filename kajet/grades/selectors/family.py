"""The family's side: which children a guardian (or a student themself) sees, with each
child's policy and page-cache stamp."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.http import HttpRequest

from kajet.accounts.models import User
from kajet.grades import page_cache
from kajet.grades.models import (
    GradesVisit,
    policy_from_row,
)
from kajet.grades.scale import Policy
from kajet.school.family import SESSION_KEY
from kajet.school.models import GroupMembership, Student


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


#: What the home page shows of each child (the switcher, the class line, the lucky number).
_BRIEF_FIELDS = (
    "school_id",
    "user_id",
    "school_class_id",
    "class_number",
    "left_on",
    "user__first_name",
    "user__last_name",
    "school_class__name",
)


def family_children_brief(request: HttpRequest) -> tuple[list[Student], Student | None]:
    """``family_children`` for the home page, in ONE query of only the columns it shows
    (no policy), with ``grades_seen_at`` and ``group_ids`` — the student's groups as a
    sorted list of ids, part of the home page's cache key of what a class and its groups
    share (kajet/dashboard/caching.py). Building the full rows (the policy, every column of
    user and class) cost more than the rest of a warm home page's reads together."""
    user = request.user
    if not isinstance(user, User) or user.kind not in (User.Kind.GUARDIAN, User.Kind.STUDENT):
        return [], None
    qs = Student.objects.select_related("user", "school_class").only(*_BRIEF_FIELDS)
    if user.kind == User.Kind.STUDENT:
        qs = qs.filter(user=user)
    else:
        qs = qs.filter(guardianships__guardian=user)
    seen = GradesVisit.objects.filter(user=user, student=OuterRef("pk")).values("seen_at")[:1]
    groups = (
        GroupMembership.objects.filter(student_id=OuterRef("pk"))
        .order_by()
        .values("student_id")
        .annotate(ids=page_cache.StringAgg(Cast("group_id", CharField())))
        .values("ids")
    )
    qs = qs.annotate(grades_seen_at=Subquery(seen), group_ids_text=Subquery(groups))
    children = list(qs.order_by("left_on", "user__first_name", "pk"))
    for child in children:
        text = child.group_ids_text or ""
        child.group_ids = sorted(int(i) for i in text.split("|") if i)
    return children, choose_child(request, children)


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
