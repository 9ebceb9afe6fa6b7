"""Page-shaped reads of the notice board, each with a fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from kajet.accounts.models import User
from kajet.noticeboard.access import announcements_visible_to
from kajet.noticeboard.models import Announcement, AnnouncementRead
from kajet.school.models import Course, Guardianship, SchoolClass, Student


def current_q(today: datetime.date) -> Q:
    return Q(shown_from__lte=today) & (Q(shown_until__isnull=True) | Q(shown_until__gte=today))


def _with_read_flag(qs: QuerySet[Announcement], user: User) -> QuerySet[Announcement]:
    # The author's own announcements count as read.
    return qs.annotate(
        is_read=ExpressionWrapper(
            Q(author=user)
            | Q(Exists(AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=user))),
            output_field=BooleanField(),
        )
    )


def announcements_current_for(
    *, user: User, today: datetime.date, limit: int | None = None, with_classes: bool = True
) -> list[Announcement]:
    """What the user's board shows today: pinned first, newest first, ``is_read`` on each,
    authors loaded; with ``with_classes`` also the classes (two queries, else one)."""
    qs = (
        _with_read_flag(announcements_visible_to(user).filter(current_q(today)), user)
        .select_related("author")
        .order_by("-pinned", "-shown_from", "-id")
    )
    if with_classes:
        qs = qs.prefetch_related(Prefetch("classes", queryset=SchoolClass.objects.order_by("name")))
    if limit is not None:
        qs = qs[:limit]
    return list(qs)


def announcement_rows_current_for(
    *, user: User, today: datetime.date, limit: int
) -> list[dict[str, Any]]:
    """``announcements_current_for`` as rows for a short list (the dashboard): ``id``,
    ``title``, ``pinned``, ``shown_from``, ``author_id``, ``is_read`` — one query, no author
    join."""
    # Any: the stubs do not see the ``is_read`` annotation among the values' names.
    qs: Any = _with_read_flag(announcements_visible_to(user).filter(current_q(today)), user)
    return list(
        qs.order_by("-pinned", "-shown_from", "-id").values(
            "id", "title", "pinned", "shown_from", "author_id", "is_read"
        )[:limit]
    )


def announcement_ids_read_by(*, user: User, ids: list[int]) -> set[int]:
    """Which of ``ids`` the user has read (one query; none for no ids). With the author's
    own counting as read, this is ``is_read`` of ``announcement_rows_current_for``."""
    if not ids:
        return set()
    reads = AnnouncementRead.objects.filter(user=user, announcement_id__in=ids)
    return set(reads.values_list("announcement_id", flat=True))


def announcements_written_by(*, user: User) -> list[Announcement]:
    """The author's own announcements (past, current and scheduled) with read counts."""
    return list(
        Announcement.objects.filter(author=user, deleted_at__isnull=True)
        .annotate(read_count=Count("reads"))
        .prefetch_related(Prefetch("classes", queryset=SchoolClass.objects.order_by("name")))
        .order_by("-shown_from", "-id")
    )


def audience_users(announcement: Announcement) -> QuerySet[User]:
    """The active logins an announcement is addressed to (authors and overseers aside)."""
    A = Announcement.Audience
    users = User.objects.filter(school_id=announcement.school_id, is_active=True)
    if announcement.audience == A.SCHOOL:
        return users.exclude(kind=User.Kind.OPERATOR)
    if announcement.audience == A.STAFF:
        return users.filter(kind=User.Kind.STAFF)
    if announcement.audience == A.GUARDIANS:
        return users.filter(kind=User.Kind.GUARDIAN)
    if announcement.audience == A.STUDENTS:
        return users.filter(kind=User.Kind.STUDENT)
    class_ids = announcement.classes.values("pk")
    students = Student.objects.filter(school_class__in=class_ids, left_on__isnull=True)
    return users.filter(
        Q(pk__in=students.values("user_id"))
        | Q(
            pk__in=Guardianship.objects.filter(student__in=students.values("pk")).values(
                "guardian_id"
            )
        )
        | Q(pk__in=Course.objects.filter(school_class__in=class_ids).values("teacher_id"))
        | Q(pk__in=SchoolClass.objects.filter(pk__in=class_ids).values("homeroom_teacher_id"))
    )


def announcement_reads(announcement: Announcement) -> dict[str, Any]:
    """Who has read an announcement (with when) and how many it is addressed to, its
    author aside. Two queries."""
    reads = list(
        AnnouncementRead.objects.filter(announcement=announcement)
        .select_related("user")
        .order_by("read_at", "id")
    )
    audience = audience_users(announcement).exclude(pk=announcement.author_id)
    return {"reads": reads, "audience_count": audience.count()}
