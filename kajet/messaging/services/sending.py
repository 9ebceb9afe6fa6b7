"""Sending a message: ``message_send`` is the one entry point — pages, the API and other apps
(e.g. attendance excuses to the homeroom teacher) all call it. It checks everything first and
writes nothing when anything is wrong (``ValidationError`` with every problem).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kajet.accounts.models import Role, User
from kajet.core.bulk import insert_fan_out
from kajet.core.history import history_record
from kajet.messaging.access import access_copy
from kajet.messaging.attachments import ALLOWED_TYPES, attachment_errors, extension, safe_name
from kajet.messaging.models import Attachment, Delivery, Folder, Message
from kajet.messaging.recipients import (
    Kind,
    Target,
    Writer,
    may_forward,
    may_write_to_group,
    may_write_to_person,
)
from kajet.messaging.selectors import (
    ROLE_GROUP_LABELS,
    persons_for,
    target_user_ids,
    writer_for,
)
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.school.access import roles_of, students_visible_to
from kajet.school.models import ClassGroup, Guardianship, SchoolClass, Student

SUBJECT_MAX = 150
BODY_MAX = 20000


def _parse_targets(recipients: Iterable[str | Target]) -> tuple[list[Target], list[str]]:
    targets: list[Target] = []
    bad: list[str] = []
    for item in recipients:
        target = item if isinstance(item, Target) else Target.parse(str(item))
        if target is None:
            bad.append(str(item))
        elif target not in targets:
            targets.append(target)
    return targets, bad


#: Labels of the targets that name everyone of a kind in the school.
_WHOLE_SCHOOL_LABELS = {
    Kind.STAFF: gettext_lazy("All staff"),
    Kind.ALL_GUARDIANS: gettext_lazy("All guardians"),
    Kind.ALL_STUDENTS: gettext_lazy("All students"),
}
#: Labels of the targets that name a class (``%(name)s``: the class).
_CLASS_LABELS = {
    Kind.COUNCIL: gettext_lazy("Parents' council of %(name)s"),
    Kind.CLASS_ALL: gettext_lazy("Everyone in %(name)s"),
    Kind.CLASS_GUARDIANS: gettext_lazy("Guardians of %(name)s"),
    Kind.CLASS_STUDENTS: gettext_lazy("Students of %(name)s"),
}
#: Labels of the targets that name a group (``%(name)s``: the group).
_GROUP_LABELS = {
    Kind.GROUP_GUARDIANS: gettext_lazy("Guardians of %(name)s"),
    Kind.GROUP_STUDENTS: gettext_lazy("Students of %(name)s"),
}


def _target_part(
    t: Target, classes: dict[int, str], groups: dict[int, str], people: dict[int, str]
) -> str:
    if t.kind is Kind.PERSON:
        return people.get(t.ref_id, "?")
    if t.kind is Kind.ROLE:
        return str(ROLE_GROUP_LABELS.get(t.ref, t.ref))
    if t.kind in _WHOLE_SCHOOL_LABELS:
        return str(_WHOLE_SCHOOL_LABELS[t.kind])
    if t.kind in _CLASS_LABELS:
        return str(_CLASS_LABELS[t.kind]) % {"name": classes.get(t.ref_id, "?")}
    return str(_GROUP_LABELS[t.kind]) % {"name": groups.get(t.ref_id, "?")}


def _target_label(targets: list[Target], school_id: int) -> str:
    """A short "To:" line for folder lists (3 queries at most)."""
    class_ids = [t.ref_id for t in targets if t.kind in _CLASS_LABELS]
    group_ids = [t.ref_id for t in targets if t.kind in _GROUP_LABELS]
    person_ids = [t.ref_id for t in targets if t.kind is Kind.PERSON]
    classes = (
        dict(SchoolClass.objects.filter(pk__in=class_ids).values_list("pk", "name"))
        if class_ids
        else {}
    )
    groups = (
        {
            g.pk: str(g)
            for g in ClassGroup.objects.filter(pk__in=group_ids).select_related("school_class")
        }
        if group_ids
        else {}
    )
    people = (
        {u.pk: u.full_name for u in User.objects.filter(pk__in=person_ids, school_id=school_id)}
        if person_ids
        else {}
    )
    parts = [_target_part(t, classes, groups, people) for t in targets]
    label = ", ".join(parts)
    return label if len(label) <= 300 else label[:297] + "…"


def _insert_deliveries(message: Message, user_ids: Sequence[int]) -> None:
    """One INSERT … SELECT for all recipients' copies, however many (2,000 guardians is still
    one statement: the ids travel as one JSON/array parameter). Why not ``bulk_create``:
    docs/adr/0004-raw-sql-and-server-side-binding.md (measured in bench/RESULTS.md)."""
    ids = sorted(user_ids)
    fixed = {
        "school_id": message.school_id,
        "message_id": message.pk,
        "is_sender_copy": False,
        "folder": Folder.INBOX.value,
        "is_unread": True,
        "created_at": connection.ops.adapt_datetimefield_value(message.created_at),
    }
    if insert_fan_out(table=Delivery._meta.db_table, fixed=fixed, id_column="owner_id", ids=ids):
        return
    Delivery.objects.bulk_create(  # pragma: no cover - other databases
        [
            Delivery(
                school_id=message.school_id,
                message=message,
                owner_id=uid,
                created_at=message.created_at,
            )
            for uid in ids
        ],
        batch_size=1000,
    )


def _is_guardian_of(guardian: User, student: Student) -> bool:
    return Guardianship.objects.filter(guardian=guardian, student=student).exists()


@dataclass(frozen=True)
class MessageDraft:
    """What a writer asks to send, as the HTML form and the API serializer read it: recipient
    keys and plain ids. ``message_send_draft`` resolves the ids for the sender (the one place
    that decides which messages may be answered or forwarded and which student a message may
    concern) and sends."""

    recipients: Sequence[str]
    subject: str
    body: str
    attachments: Sequence[Any] = ()
    concerns_student_id: int | None = None
    reply_to_id: int | None = None
    forward_of_id: int | None = None
    idempotency_key: uuid.UUID | str | None = None


def _own_message(sender: User, message_id: int | None) -> Message | None:
    """The message of one of the sender's own copies; Http404 for any other id."""
    return access_copy(sender, message_id).message if message_id else None


def _concerned_student(sender: User, student_id: int | None) -> Student | None:
    if not student_id:
        return None
    student = Student.objects.filter(pk=student_id).first()
    if student is None:
        if Role.GUARDIAN in roles_of(sender):
            raise ValidationError(_("Choose one of your children."))
        raise ValidationError(_("Choose a student you teach."))
    return student


def message_send_draft(*, sender: User, draft: MessageDraft) -> Message:
    """Resolve a draft's ids for the sender and send it (``message_send``).

    Raises Http404 when ``reply_to_id`` or ``forward_of_id`` is not a message the sender has
    (pages answer 404, the API 400), and ValidationError (nothing written) for an unknown
    student and everything ``message_send`` refuses."""
    return message_send(
        sender=sender,
        recipients=draft.recipients,
        subject=draft.subject,
        body=draft.body,
        attachments=draft.attachments,
        concerns_student=_concerned_student(sender, draft.concerns_student_id),
        reply_to=_own_message(sender, draft.reply_to_id),
        forward_of=_own_message(sender, draft.forward_of_id),
        idempotency_key=draft.idempotency_key,
    )


class IdempotencyConflict(ValidationError):
    """The idempotency key of an earlier, different message (the API answers 422)."""


def _body(body: str | None) -> str:
    return (body or "").strip("\n\r ")


def _idempotency_key(value: uuid.UUID | str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(_("The form is damaged; reload the page.")) from None


def _text_errors(subject: str, body: str) -> list[str]:
    errors: list[str] = []
    if not subject:
        errors.append(_("Enter a subject."))
    elif len(subject) > SUBJECT_MAX:
        errors.append(_("The subject can be at most %(n)d characters.") % {"n": SUBJECT_MAX})
    if not body.strip():
        errors.append(_("Enter the text of the message."))
    elif len(body) > BODY_MAX:
        errors.append(_("The text can be at most %(n)d characters.") % {"n": BODY_MAX})
    return errors


def _has_copy(sender: User, message: Message) -> bool:
    return Delivery.objects.filter(message=message, owner=sender, deleted_at__isnull=True).exists()


def _thread_errors(
    sender: User, roles: frozenset[str], *, bad_reply: bool, forward_of: Message | None
) -> list[str]:
    """A reply or forward starts from a message the sender has; only staff forward."""
    errors: list[str] = []
    if bad_reply:
        errors.append(_("You can only reply to a message you have."))
    if forward_of is not None:
        if not may_forward(roles):
            errors.append(_("Only school staff can forward messages."))
        elif not _has_copy(sender, forward_of):
            errors.append(_("You can only forward a message you have."))
    return errors


def _refused_targets(
    writer: Writer, targets: list[Target], school_id: int, reply_ok: set[int]
) -> list[Target]:
    """The targets the writer may not write to. A reply may always go back to the sender of
    the message answered (``reply_ok``)."""
    person_ids = [t.ref_id for t in targets if t.kind is Kind.PERSON]
    persons = persons_for(school_id=school_id, user_ids=person_ids)
    refused: list[Target] = []
    for target in targets:
        if target.kind is not Kind.PERSON:
            allowed = may_write_to_group(writer, target)
        else:
            person = persons.get(target.ref_id)
            allowed = person is not None and (
                target.ref_id in reply_ok or may_write_to_person(writer, person)
            )
        if not allowed:
            refused.append(target)
    return refused


def _concerns_errors(
    sender: User, roles: frozenset[str], writer: Writer, concerns_student: Student | None
) -> list[str]:
    """A message may concern one of the guardian's children or a student the staff member
    sees; a guardian of several children must say which one."""
    is_guardian = Role.GUARDIAN in roles
    if concerns_student is None:
        if not is_guardian or not writer.family_class_ids:
            return []
        children = Guardianship.objects.filter(
            guardian=sender, student__left_on__isnull=True
        ).count()
        return [_("Choose which child the message concerns.")] if children > 1 else []
    if is_guardian:
        ok = _is_guardian_of(sender, concerns_student)
        return [] if ok else [_("Choose one of your children.")]
    if students_visible_to(sender).filter(pk=concerns_student.pk).exists():
        return []
    return [_("Choose a student you teach.")]


def _target_errors(targets: list[Target], malformed: list[str]) -> list[str]:
    if malformed:
        return [_("Unknown recipient: %(keys)s.") % {"keys": ", ".join(malformed[:5])}]
    return [] if targets else [_("Choose at least one recipient.")]


def _refused_errors(refused: list[Target], school_id: int) -> list[str]:
    if not refused:
        return []
    who = _target_label(refused, school_id) or ", ".join(t.key for t in refused)
    return [_("You may not write to: %(who)s.") % {"who": who}]


def _message_create(message: Message) -> tuple[Message, bool]:
    """Save the message (True); when the same form was posted twice at once, the other request
    sent it and its message is returned (False)."""
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        existing = Message.objects.filter(
            sender_id=message.sender_id, idempotency_key=message.idempotency_key
        ).first()
        if existing is None:
            raise
        return existing, False
    return message, True


def _attachments_save(
    message: Message, attachments: Sequence[Any], forward_of: Message | None
) -> None:
    """The uploaded files, and a forwarded message's files (the same stored files)."""
    rows = []
    for upload in attachments:
        name = safe_name(upload.name or "")
        file_type = ALLOWED_TYPES[extension(name)]
        row = Attachment(
            school_id=message.school_id,
            message=message,
            name=name,
            size=upload.size,
            content_type=file_type.content_type,
        )
        row.file.save(name, upload, save=False)
        rows.append(row)
    if forward_of is not None:
        rows += [
            Attachment(
                school_id=message.school_id,
                message=message,
                file=original.file.name,
                name=original.name,
                size=original.size,
                content_type=original.content_type,
            )
            for original in forward_of.attachments.all()
        ]
    if rows:
        Attachment.objects.bulk_create(rows)
        Message.objects.filter(pk=message.pk).update(attachment_count=len(rows))
        message.attachment_count = len(rows)


def _copies_deliver(message: Message, ids: set[int], targets: list[Target]) -> None:
    """Every recipient's copy, the sender's copy in Sent, the history entry and the
    notifications (on commit)."""
    sender = message.sender
    _insert_deliveries(message, list(ids))
    Delivery.objects.create(
        school_id=message.school_id,
        message=message,
        owner=sender,
        is_sender_copy=True,
        folder=Folder.SENT,
        is_unread=False,
        created_at=message.created_at,
    )
    history_record(
        school=message.school,
        actor=sender,
        code="messaging.message.sent",
        object_type="message",
        object_id=message.pk,
        new={
            "subject": message.subject,
            "recipients": [t.key for t in targets],
            "recipient_count": len(ids),
        },
    )
    notify(
        school=message.school_id,
        user_ids=ids,
        kind=Notification.Kind.MESSAGE,
        title=_("New message from %(name)s: %(subject)s")
        % {"name": sender.full_name, "subject": message.subject},
        url=reverse("messaging:message", args=[message.pk]),
    )


@transaction.atomic
def message_send(
    *,
    sender: User,
    recipients: Iterable[str | Target],
    subject: str,
    body: str,
    attachments: Sequence[Any] = (),
    concerns_student: Student | None = None,
    reply_to: Message | None = None,
    forward_of: Message | None = None,
    idempotency_key: uuid.UUID | str | None = None,
) -> Message:
    """Send a message to everyone the recipient keys reach, if the sender may write to all of
    them. Raises ValidationError (nothing written) listing every problem.

    The same ``idempotency_key`` from the same sender returns the message already sent.
    A reply concerns the student its message concerned unless it says otherwise.
    """
    key = _idempotency_key(idempotency_key)
    if key is not None:
        existing = Message.objects.filter(sender=sender, idempotency_key=key).first()
        if existing is not None:
            if (existing.subject, existing.body) != ((subject or "").strip(), _body(body)):
                raise IdempotencyConflict(
                    _("This message key was used for another message; nothing was sent.")
                )
            return existing
    school_id = sender.school_id
    if school_id is None:
        raise ValidationError(_("Only school users can send messages."))
    subject = (subject or "").strip()
    body = _body(body)
    targets, malformed = _parse_targets(recipients)
    roles = roles_of(sender)
    writer = writer_for(sender)
    has_reply = reply_to is not None and _has_copy(sender, reply_to)
    if reply_to is not None and has_reply and concerns_student is None:
        concerns_student = reply_to.concerns_student
    reply_ok = {reply_to.sender_id} if reply_to is not None and has_reply else set()
    errors = [
        *_text_errors(subject, body),
        *_target_errors(targets, malformed),
        *_thread_errors(
            sender, roles, bad_reply=reply_to is not None and not has_reply, forward_of=forward_of
        ),
        *_refused_errors(_refused_targets(writer, targets, school_id, reply_ok), school_id),
        *_concerns_errors(sender, roles, writer, concerns_student),
        *attachment_errors(attachments),
    ]
    if errors:
        raise ValidationError(errors)

    ids = target_user_ids(school_id=school_id, targets=targets)
    ids.discard(sender.pk)
    if not ids:
        raise ValidationError(_("The chosen groups have no one to send to."))
    message, created = _message_create(
        Message(
            school_id=school_id,
            sender=sender,
            subject=subject,
            body=body,
            created_at=timezone.now(),
            concerns_student=concerns_student,
            reply_to=reply_to,
            forward_of=forward_of,
            idempotency_key=key,
            recipients_label=_target_label(targets, school_id),
            recipient_count=len(ids),
        )
    )
    if created:
        _attachments_save(message, attachments, forward_of)
        _copies_deliver(message, ids, targets)
    return message
