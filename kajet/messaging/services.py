"""Writes: sending, reading (the receipt), moving and deleting copies, the parents' council.

``message_send`` is the one entry point for sending — pages, the API and other apps (e.g.
attendance excuses to the homeroom teacher) all call it. It checks everything first and writes
nothing when anything is wrong (``ValidationError`` with every problem).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import Role, User
from kajet.core.history import history_record
from kajet.messaging.attachments import ALLOWED_TYPES, attachment_errors, extension, safe_name
from kajet.messaging.models import Attachment, CouncilMember, Delivery, Folder, Message
from kajet.messaging.recipients import (
    Kind,
    Target,
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


def _target_label(targets: list[Target], school_id: int) -> str:
    """A short "To:" line for folder lists (3 queries at most)."""
    class_ids = [
        t.ref_id
        for t in targets
        if t.kind in (Kind.CLASS_ALL, Kind.CLASS_GUARDIANS, Kind.CLASS_STUDENTS, Kind.COUNCIL)
    ]
    group_ids = [t.ref_id for t in targets if t.kind in (Kind.GROUP_GUARDIANS, Kind.GROUP_STUDENTS)]
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
    parts: list[str] = []
    for t in targets:
        k = t.kind
        if k is Kind.PERSON:
            parts.append(people.get(t.ref_id, "?"))
        elif k is Kind.ROLE:
            parts.append(str(ROLE_GROUP_LABELS.get(t.ref, t.ref)))
        elif k is Kind.STAFF:
            parts.append(_("All staff"))
        elif k is Kind.ALL_GUARDIANS:
            parts.append(_("All guardians"))
        elif k is Kind.ALL_STUDENTS:
            parts.append(_("All students"))
        elif k is Kind.COUNCIL:
            parts.append(_("Parents' council of %(name)s") % {"name": classes.get(t.ref_id, "?")})
        elif k is Kind.CLASS_ALL:
            parts.append(_("Everyone in %(name)s") % {"name": classes.get(t.ref_id, "?")})
        elif k is Kind.CLASS_GUARDIANS:
            parts.append(_("Guardians of %(name)s") % {"name": classes.get(t.ref_id, "?")})
        elif k is Kind.CLASS_STUDENTS:
            parts.append(_("Students of %(name)s") % {"name": classes.get(t.ref_id, "?")})
        elif k is Kind.GROUP_GUARDIANS:
            parts.append(_("Guardians of %(name)s") % {"name": groups.get(t.ref_id, "?")})
        elif k is Kind.GROUP_STUDENTS:
            parts.append(_("Students of %(name)s") % {"name": groups.get(t.ref_id, "?")})
    label = ", ".join(parts)
    return label if len(label) <= 300 else label[:297] + "…"


def _insert_deliveries(message: Message, user_ids: Sequence[int]) -> None:
    """One INSERT … SELECT for all recipients' copies, however many (2,000 guardians is still
    one statement: the ids travel as one JSON/array parameter)."""
    ids = sorted(user_ids)
    table = Delivery._meta.db_table
    created = connection.ops.adapt_datetimefield_value(message.created_at)
    columns = "school_id, message_id, owner_id, is_sender_copy, folder, is_unread, created_at"
    values = "%s, %s, {uid}, %s, %s, %s, %s"
    params: list[Any] = [message.school_id, message.pk, False, Folder.INBOX.value, True, created]
    if connection.vendor == "postgresql":
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT {values.format(uid='ids.uid')} "
            "FROM unnest(%s::bigint[]) AS ids(uid)"
        )
        params.append(ids)
    elif connection.vendor == "sqlite":
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT {values.format(uid='value')} "
            "FROM json_each(%s)"
        )
        params.append(json.dumps(ids))
    else:  # pragma: no cover - other databases: plain batched inserts
        Delivery.objects.bulk_create(
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
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _is_guardian_of(guardian: User, student: Student) -> bool:
    return Guardianship.objects.filter(guardian=guardian, student=student).exists()


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
    """
    key: uuid.UUID | None = None
    if idempotency_key:
        try:
            key = uuid.UUID(str(idempotency_key))
        except ValueError:
            raise ValidationError(_("The form is damaged; reload the page.")) from None
        existing = Message.objects.filter(sender=sender, idempotency_key=key).first()
        if existing is not None:
            return existing

    school_id = sender.school_id
    if school_id is None:
        raise ValidationError(_("Only school users can send messages."))
    errors: list[str] = []
    subject = (subject or "").strip()
    body = (body or "").strip("\n\r ")
    if not subject:
        errors.append(_("Enter a subject."))
    elif len(subject) > SUBJECT_MAX:
        errors.append(_("The subject can be at most %(n)d characters.") % {"n": SUBJECT_MAX})
    if not body.strip():
        errors.append(_("Enter the text of the message."))
    elif len(body) > BODY_MAX:
        errors.append(_("The text can be at most %(n)d characters.") % {"n": BODY_MAX})

    targets, malformed = _parse_targets(recipients)
    if malformed:
        errors.append(_("Unknown recipient: %(keys)s.") % {"keys": ", ".join(malformed[:5])})
    if not targets and not malformed:
        errors.append(_("Choose at least one recipient."))

    roles = roles_of(sender)
    writer = writer_for(sender)
    # A reply may always go back to the sender of a message the replier received.
    reply_ok: set[int] = set()
    if reply_to is not None:
        if not Delivery.objects.filter(
            message=reply_to, owner=sender, deleted_at__isnull=True
        ).exists():
            errors.append(_("You can only reply to a message you have."))
        else:
            reply_ok.add(reply_to.sender_id)
            if concerns_student is None:
                concerns_student = reply_to.concerns_student
    if forward_of is not None:
        if not may_forward(roles):
            errors.append(_("Only school staff can forward messages."))
        elif not Delivery.objects.filter(
            message=forward_of, owner=sender, deleted_at__isnull=True
        ).exists():
            errors.append(_("You can only forward a message you have."))

    person_ids = [t.ref_id for t in targets if t.kind is Kind.PERSON]
    persons = persons_for(school_id=school_id, user_ids=person_ids)
    refused: list[Target] = []
    for target in targets:
        if target.kind is Kind.PERSON:
            person = persons.get(target.ref_id)
            if person is None or not (
                target.ref_id in reply_ok or may_write_to_person(writer, person)
            ):
                refused.append(target)
        elif not may_write_to_group(writer, target):
            refused.append(target)
    if refused:
        errors.append(
            _("You may not write to: %(who)s.")
            % {"who": _target_label(refused, school_id) or ", ".join(t.key for t in refused)}
        )

    if concerns_student is not None:
        if Role.GUARDIAN in roles:
            if not _is_guardian_of(sender, concerns_student):
                errors.append(_("Choose one of your children."))
        elif not students_visible_to(sender).filter(pk=concerns_student.pk).exists():
            errors.append(_("Choose a student you teach."))
    elif Role.GUARDIAN in roles and len(writer.family_class_ids) > 0:
        children = Guardianship.objects.filter(
            guardian=sender, student__left_on__isnull=True
        ).count()
        if children > 1:
            errors.append(_("Choose which child the message concerns."))

    errors += attachment_errors(attachments)
    if errors:
        raise ValidationError(errors)

    ids = target_user_ids(school_id=school_id, targets=targets)
    ids.discard(sender.pk)
    if not ids:
        raise ValidationError(_("The chosen groups have no one to send to."))

    now = timezone.now()
    message = Message(
        school_id=school_id,
        sender=sender,
        subject=subject,
        body=body,
        created_at=now,
        concerns_student=concerns_student,
        reply_to=reply_to,
        forward_of=forward_of,
        idempotency_key=key,
        recipients_label=_target_label(targets, school_id),
        recipient_count=len(ids),
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # The same form was posted twice at once; the other request sent it.
        existing = Message.objects.filter(sender=sender, idempotency_key=key).first()
        if existing is None:
            raise
        return existing

    rows = []
    for upload in attachments:
        name = safe_name(upload.name or "")
        file_type = ALLOWED_TYPES[extension(name)]
        row = Attachment(
            school_id=school_id,
            message=message,
            name=name,
            size=upload.size,
            content_type=file_type.content_type,
        )
        row.file.save(name, upload, save=False)
        rows.append(row)
    if forward_of is not None:
        for original in forward_of.attachments.all():
            rows.append(
                Attachment(
                    school_id=school_id,
                    message=message,
                    file=original.file.name,
                    name=original.name,
                    size=original.size,
                    content_type=original.content_type,
                )
            )
    if rows:
        Attachment.objects.bulk_create(rows)
        Message.objects.filter(pk=message.pk).update(attachment_count=len(rows))
        message.attachment_count = len(rows)

    _insert_deliveries(message, list(ids))
    Delivery.objects.create(
        school_id=school_id,
        message=message,
        owner=sender,
        is_sender_copy=True,
        folder=Folder.SENT,
        is_unread=False,
        created_at=now,
    )
    history_record(
        school=message.school,
        actor=sender,
        code="messaging.message.sent",
        object_type="message",
        object_id=message.pk,
        new={
            "subject": subject,
            "recipients": [t.key for t in targets],
            "recipient_count": len(ids),
        },
    )
    notify(
        school=school_id,
        user_ids=ids,
        kind=Notification.Kind.MESSAGE,
        title=_("New message from %(name)s: %(subject)s")
        % {"name": sender.full_name, "subject": subject},
        url=reverse("messaging:message", args=[message.pk]),
    )
    return message


@transaction.atomic
def message_open(*, user: User, copy: Delivery) -> Delivery:
    """Opening a received copy records the first read (once, never changed) and clears the
    recipient's unread flag. The sender's own copy records nothing."""
    if copy.is_sender_copy:
        return copy
    if copy.first_read_at is None:
        now = timezone.now()
        updated = Delivery.objects.filter(pk=copy.pk, first_read_at__isnull=True).update(
            first_read_at=now, is_unread=False
        )
        if updated:
            Message.objects.filter(pk=copy.message_id).update(read_count=F("read_count") + 1)
            history_record(
                school=copy.message.school,
                actor=user,
                code="messaging.message.read",
                object_type="message",
                object_id=copy.message_id,
                new={"recipient": user.pk, "read_at": now.isoformat()},
            )
        copy.refresh_from_db(fields=["first_read_at", "is_unread"])
    elif copy.is_unread:
        Delivery.objects.filter(pk=copy.pk).update(is_unread=False)
        copy.is_unread = False
    return copy


def delivery_mark_unread(*, user: User, copy: Delivery) -> None:
    """Marks a received copy unread in the recipient's own view (the first read stays)."""
    if copy.is_sender_copy or copy.owner_id != user.pk:
        raise ValidationError(_("Only a received message can be marked unread."))
    Delivery.objects.filter(pk=copy.pk).update(is_unread=True)
    copy.is_unread = True


MOVE_TARGETS = ("archive", "trash", "restore")


@transaction.atomic
def deliveries_move(*, user: User, message_ids: Iterable[int], to: str) -> int:
    """Moves the user's own copies to the archive or trash, or back ("restore": received
    copies to Received, the sender's copy to Sent). Returns how many moved."""
    if to not in MOVE_TARGETS:
        raise ValidationError(_("Unknown folder."))
    qs = Delivery.objects.filter(
        owner_id=user.pk, message_id__in=list(message_ids), deleted_at__isnull=True
    )
    if to == "restore":
        moved = qs.filter(is_sender_copy=False).update(folder=Folder.INBOX)
        moved += qs.filter(is_sender_copy=True).update(folder=Folder.SENT)
        return int(moved)
    return int(qs.update(folder=to))


@transaction.atomic
def deliveries_delete(*, user: User, message_ids: Iterable[int]) -> int:
    """Deletes the user's own copies for good (from their view). The recipients' read
    receipts stay: only ``deleted_at`` is set."""
    count = int(
        Delivery.objects.filter(
            owner_id=user.pk, message_id__in=list(message_ids), deleted_at__isnull=True
        ).update(deleted_at=timezone.now())
    )
    return count


@transaction.atomic
def trash_empty(*, user: User) -> int:
    """Deletes every copy the user has in the trash (only their own copies)."""
    return int(
        Delivery.objects.filter(
            owner_id=user.pk, folder=Folder.TRASH, deleted_at__isnull=True
        ).update(deleted_at=timezone.now())
    )


@transaction.atomic
def council_set(*, actor: User, school_class: SchoolClass, guardian_ids: Iterable[int]) -> None:
    """Sets the class parents' council to these guardians of the class (the homeroom teacher
    appoints it). Guardians of other classes are refused."""
    wanted = set(guardian_ids)
    of_class = set(
        Guardianship.objects.filter(
            student__school_class=school_class, student__left_on__isnull=True
        ).values_list("guardian_id", flat=True)
    )
    if wanted - of_class:
        raise ValidationError(_("Only guardians of the class can be on its council."))
    current = set(
        CouncilMember.objects.filter(school_class=school_class).values_list(
            "guardian_id", flat=True
        )
    )
    CouncilMember.objects.filter(
        school_class=school_class, guardian_id__in=current - wanted
    ).delete()
    CouncilMember.objects.bulk_create(
        [
            CouncilMember(
                school_id=school_class.school_id,
                school_class=school_class,
                guardian_id=gid,
                appointed_by=actor,
            )
            for gid in sorted(wanted - current)
        ]
    )
    if wanted != current:
        history_record(
            school=school_class.school,
            actor=actor,
            code="messaging.council.changed",
            object_type="school_class",
            object_id=school_class.pk,
            old=sorted(current),
            new=sorted(wanted),
        )
