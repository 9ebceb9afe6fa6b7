"""Who may read the access log — decided here and nowhere else.

The principal reviews the whole school's log; a family user (a guardian, the student) sees the
entries about their own child (themself) only, chosen through ``kajet.school.family``. Helpers
raise Http404 for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.school.access import roles_of

PERMISSIONS: dict[str, frozenset[str]] = {
    # The school's access log, filtered by student, staff member and date.
    "audit.access_log": frozenset({Role.PRINCIPAL}),
    # "Who at the school viewed my child's data" (a student: their own data).
    "audit.family_log": frozenset({Role.GUARDIAN, Role.STUDENT}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404
