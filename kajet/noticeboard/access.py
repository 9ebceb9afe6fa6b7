"""Who may read, write and follow announcements — decided here and nowhere else.

An announcement reaches its audience: everyone (school), staff, guardians, students, or the
students and guardians of chosen classes (and the staff who teach or tutor those classes).
The principal, the administrator and the school office oversee the board and see all of it.
Teachers write only to the classes they teach or tutor. Helpers raise Http404 for "missing"
and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.noticeboard.models import Announcement
from kajet.school.access import roles_of
from kajet.school.models import Course, SchoolClass, Student

#: Roles that oversee the whole board (see every announcement, write to any audience).
BOARD_MANAGERS = frozenset({Role.PRINCIPAL, Role.SCHOOL_ADMIN, Role.SECRETARIAT})
TEACHING_ROLES = frozenset({Role.TEACHER, Role.HOMEROOM_TEACHER})

PERMISSIONS: dict[str, frozenset[str]] = {
    "announcement.view": frozenset(Role.values),
    # Row level for teachers: only chosen classes they teach or tutor.
    "announcement.write": BOARD_MANAGERS | TEACHING_ROLES,
    "announcement.any_audience": BOARD_MANAGERS,
    # Flag an announcement urgent: its notifications pass quiet hours and the daily digest.
    "announcement.urgent": frozenset({Role.PRINCIPAL}),
    # Besides the author, who may see the read list of any announcement.
    "announcement.see_reads": frozenset({Role.PRINCIPAL}),
    # Besides the author, who may delete any announcement (moderation).
    "announcement.moderate": frozenset({Role.PRINCIPAL, Role.SCHOOL_ADMIN}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def classes_taught_by(user: User) -> QuerySet[SchoolClass]:
    """Current-year classes the user teaches a course in or is the homeroom teacher of."""
    taught = Course.objects.filter(teacher=user, year__is_current=True).values("school_class_id")
    return SchoolClass.objects.filter(year__is_current=True).filter(
        Q(pk__in=taught) | Q(homeroom_teacher=user)
    )


def announcements_visible_to(user: User) -> QuerySet[Announcement]:
    """Announcements (not deleted, any dates) the user is in the audience of or wrote."""
    roles = roles_of(user)
    qs = Announcement.objects.filter(deleted_at__isnull=True)
    if not roles:
        return qs.none()
    if roles & BOARD_MANAGERS:
        return qs
    A = Announcement.Audience
    condition = Q(audience=A.SCHOOL) | Q(author=user)
    if user.kind == User.Kind.STAFF:
        condition |= Q(audience=A.STAFF)
        if roles & {Role.PEDAGOGUE, Role.PSYCHOLOGIST}:
            condition |= Q(audience=A.CLASSES)
        else:
            condition |= Q(audience=A.CLASSES, classes__in=classes_taught_by(user))
    elif user.kind == User.Kind.GUARDIAN:
        children = Student.objects.filter(guardianships__guardian=user, left_on__isnull=True)
        condition |= Q(audience=A.GUARDIANS)
        condition |= Q(audience=A.CLASSES, classes__in=children.values("school_class_id"))
    elif user.kind == User.Kind.STUDENT:
        own = Student.objects.filter(user=user, left_on__isnull=True)
        condition |= Q(audience=A.STUDENTS)
        condition |= Q(audience=A.CLASSES, classes__in=own.values("school_class_id"))
    return qs.filter(pk__in=Announcement.objects.filter(condition).values("pk"))


def access_announcement(user: User, announcement_id: int) -> Announcement:
    """One announcement the user may read (author loaded); 404 otherwise."""
    require(user, "announcement.view")
    try:
        return announcements_visible_to(user).select_related("author").get(pk=announcement_id)
    except Announcement.DoesNotExist:
        raise Http404 from None


def access_announcement_for_edit(user: User, announcement_id: int) -> Announcement:
    """An announcement the user wrote (and may still write); 404 otherwise."""
    require(user, "announcement.write")
    try:
        return Announcement.objects.get(pk=announcement_id, author=user, deleted_at__isnull=True)
    except Announcement.DoesNotExist:
        raise Http404 from None


def access_announcement_for_delete(user: User, announcement_id: int) -> Announcement:
    """An announcement the user wrote, or any for moderators; 404 otherwise."""
    qs = Announcement.objects.filter(deleted_at__isnull=True)
    if not can(user, "announcement.moderate"):
        require(user, "announcement.write")
        qs = qs.filter(author=user)
    try:
        return qs.get(pk=announcement_id)
    except Announcement.DoesNotExist:
        raise Http404 from None


def may_see_reads(user: User, announcement: Announcement) -> bool:
    return announcement.author_id == user.pk or can(user, "announcement.see_reads")
