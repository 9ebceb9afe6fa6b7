"""The child a guardian is looking at (the child switcher). Kept in the session; always
re-checked against the guardian's own children, so a stale or forged id falls back."""

from __future__ import annotations

from django.http import HttpRequest

from kajet.accounts.models import User
from kajet.school.access import children_of
from kajet.school.models import Student

SESSION_KEY = "kajet_child"


def family_students(request: HttpRequest) -> tuple[list[Student], Student | None]:
    """(all students the signed-in family user sees, the selected one) — one query.

    A guardian gets their children and the one chosen in the switcher (enrolled first);
    a student gets themself.
    """
    user = request.user
    if not isinstance(user, User):
        return [], None
    if user.kind == User.Kind.STUDENT:
        own = list(Student.objects.filter(user=user).select_related("user", "school_class"))
        return own, (own[0] if own else None)
    if user.kind != User.Kind.GUARDIAN:
        return [], None
    children = children_of(user)
    chosen = request.session.get(SESSION_KEY)
    selected = next((c for c in children if c.pk == chosen), None)
    if selected is None and children:
        selected = children[0]
    return children, selected


def select_child(request: HttpRequest, student_id: int) -> Student | None:
    children, _ = family_students(request)
    child = next((c for c in children if c.pk == student_id), None)
    if child is not None:
        request.session[SESSION_KEY] = child.pk
    return child
