"""Who may create, answer and see the results of polls — decided here and nowhere else.

A teacher or homeroom teacher asks a class they teach or lead, or a group of such a class;
the principal asks any class or group of the current year, all guardians of the school or
the staff. A poll is answered by its recipients (fixed when it was published); its results
are seen by its author. Helpers raise Http404 for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.polls.models import Audience, Poll
from kajet.school.access import roles_of
from kajet.school.models import ClassGroup, Course, SchoolClass

ALL_ROLES = frozenset(Role)
AUTHORS = frozenset({Role.TEACHER, Role.HOMEROOM_TEACHER, Role.PRINCIPAL})
#: Who may ask the whole school (all guardians, all staff).
SCHOOL_WIDE_AUTHORS = frozenset({Role.PRINCIPAL})

PERMISSIONS: dict[str, frozenset[str]] = {
    # The list of polls one was asked (and, for authors, one's own polls).
    "poll.view": ALL_ROLES,
    # Row level: the poll's recipients.
    "poll.answer": ALL_ROLES,
    # Row level: classes and groups taught or led (the principal: any, and the whole school).
    "poll.create": AUTHORS,
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def classes_for_polls(user: User) -> QuerySet[SchoolClass]:
    """Classes of the current year the user may ask: taught or led (any for the principal)."""
    roles = roles_of(user)
    qs = SchoolClass.objects.filter(year__is_current=True).order_by("level", "name")
    if not roles & AUTHORS:
        return qs.none()
    if roles & SCHOOL_WIDE_AUTHORS:
        return qs
    taught = Course.objects.filter(teacher=user, year__is_current=True).values("school_class")
    return qs.filter(Q(homeroom_teacher=user) | Q(pk__in=taught))


def groups_for_polls(user: User) -> QuerySet[ClassGroup]:
    """Groups of the classes the user may ask."""
    return (
        ClassGroup.objects.filter(school_class__in=classes_for_polls(user))
        .select_related("school_class")
        .order_by("school_class__level", "school_class__name", "name")
    )


def audiences_for(user: User) -> list[str]:
    """The kinds of audience the user may choose."""
    roles = roles_of(user)
    if not roles & AUTHORS:
        return []
    found = [Audience.CLASS.value, Audience.GROUP.value]
    if roles & SCHOOL_WIDE_AUTHORS:
        found += [Audience.ALL_GUARDIANS.value, Audience.STAFF.value]
    return found


def polls_asked_of(user: User) -> QuerySet[Poll]:
    """Polls the user was asked (is a recipient of)."""
    return Poll.objects.filter(recipients__user=user)


def polls_authored_by(user: User) -> QuerySet[Poll]:
    if not can(user, "poll.create"):
        return Poll.objects.none()
    return Poll.objects.filter(author=user)


def access_poll(user: User, poll_id: int) -> Poll:
    """A poll the user was asked or wrote, with its author; 404 otherwise."""
    require(user, "poll.view")
    try:
        return (
            Poll.objects.filter(Q(author=user) | Q(recipients__user=user))
            .distinct()
            .select_related("author", "school_class", "group")
            .get(pk=poll_id)
        )
    except Poll.DoesNotExist:
        raise Http404 from None


def access_poll_to_answer(user: User, poll_id: int) -> Poll:
    """A poll the user was asked; 404 otherwise."""
    require(user, "poll.answer")
    try:
        return polls_asked_of(user).get(pk=poll_id)
    except Poll.DoesNotExist:
        raise Http404 from None


def access_poll_results(user: User, poll_id: int) -> Poll:
    """A poll the user wrote (its results, its reminder); 404 for anyone else."""
    require(user, "poll.create")
    try:
        return Poll.objects.select_related("school_class", "group__school_class").get(
            pk=poll_id, author=user
        )
    except Poll.DoesNotExist:
        raise Http404 from None
