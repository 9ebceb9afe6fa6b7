"""Who may do what with messages, and fetching one object for a user (404 for "missing" and
"not yours" alike)."""

from __future__ import annotations

from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.messaging.models import Attachment, Delivery
from kajet.school.access import roles_of
from kajet.school.models import SchoolClass

ALL_ROLES = frozenset(r.value for r in Role)
STAFF = ALL_ROLES - {Role.GUARDIAN.value, Role.STUDENT.value}

#: The messaging permission matrix: action → roles. Row-level rules (which copy, which class,
#: which recipients) are applied by the helpers below and by recipients.py.
PERMISSIONS: dict[str, frozenset[str]] = {
    "message.read": ALL_ROLES,
    "message.write": ALL_ROLES,
    "message.forward": STAFF,
    "council.manage": frozenset({Role.HOMEROOM_TEACHER.value}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def access_copy(user: User, message_id: int) -> Delivery:
    """The user's own (not deleted) copy of a message, with the message and sender loaded."""
    require(user, "message.read")
    try:
        return Delivery.objects.select_related(
            "message__sender", "message__concerns_student__user", "message__school"
        ).get(message_id=message_id, owner_id=user.pk, deleted_at__isnull=True)
    except Delivery.DoesNotExist:
        raise Http404 from None


def access_attachment(user: User, message_id: int, attachment_id: int) -> Attachment:
    """An attachment of a message the user sent or received (and has not deleted)."""
    copy = access_copy(user, message_id)
    try:
        return Attachment.objects.get(pk=attachment_id, message_id=copy.message_id)
    except Attachment.DoesNotExist:
        raise Http404 from None


def access_homeroom_class(user: User, class_id: int) -> SchoolClass:
    """A current class whose homeroom teacher is the user."""
    require(user, "council.manage")
    try:
        return SchoolClass.objects.get(pk=class_id, homeroom_teacher=user, year__is_current=True)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def homeroom_classes(user: User) -> list[SchoolClass]:
    if not can(user, "council.manage"):
        return []
    return list(
        SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True).order_by("name")
    )
