"""Sending, reading, folders and the parents' council through the services."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from kajet.core.models import HistoryEntry
from kajet.messaging import services
from kajet.messaging.models import Attachment, CouncilMember, Delivery, Folder, Message
from kajet.messaging.selectors import folder_counts, unread_count
from kajet.messaging.tests.helpers import add_families
from kajet.notifications.models import Notification
from kajet.testutils.factories import SchoolWorld, guardian_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def send(world: SchoolWorld, sender_role: str, keys: list[str], **kw: object) -> Message:
    sender = world.user(sender_role)
    with scope(school=world.school.pk):
        return services.message_send(
            sender=sender,
            recipients=keys,
            subject=kw.pop("subject", "Temat"),  # type: ignore[arg-type]
            body=kw.pop("body", "Treść wiadomości"),  # type: ignore[arg-type]
            **kw,  # type: ignore[arg-type]
        )


def test_guardian_writes_to_homeroom_teacher(world: SchoolWorld) -> None:
    homeroom = world.user("homeroom_teacher")
    message = send(world, "guardian", [f"person:{homeroom.pk}"])
    copy = Delivery.objects.get(message=message, owner=homeroom)
    assert copy.folder == Folder.INBOX and copy.is_unread and copy.first_read_at is None
    own = Delivery.objects.get(message=message, owner=world.user("guardian"))
    assert own.is_sender_copy and own.folder == Folder.SENT
    assert message.recipient_count == 1
    assert HistoryEntry.objects.filter(code="messaging.message.sent", object_id=message.pk)


def test_notification_on_commit(
    world: SchoolWorld, django_capture_on_commit_callbacks: object
) -> None:
    homeroom = world.user("homeroom_teacher")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        message = send(world, "guardian", [f"person:{homeroom.pk}"])
    note = Notification.objects.get(user=homeroom)
    assert note.kind == Notification.Kind.MESSAGE
    assert str(message.pk) in note.url


@pytest.mark.parametrize(
    ("role", "key"),
    [
        ("guardian", "person:{other_guardian}"),
        ("guardian", "person:{other_student}"),
        ("guardian", "class_guardians:{class}"),
        ("student", "person:{other_student}"),
        ("student", "role:principal"),
        ("teacher", "class_guardians:{other_class}"),
        ("teacher", "all_guardians"),
        ("teacher", "council:{class}"),
    ],
)
def test_refused_recipients_write_nothing(world: SchoolWorld, role: str, key: str) -> None:
    other_guardian = guardian_for(world.other_student, login="7999999")
    key = key.format(
        other_guardian=other_guardian.pk,
        other_student=world.other_student.user_id,
        other_class=world.other_class.pk,
        **{"class": world.school_class.pk},
    )
    with pytest.raises(ValidationError) as error:
        send(world, role, [key])
    assert any("You may not write to" in m for m in error.value.messages)
    assert not Message.objects.exists() and not Delivery.objects.exists()


def test_other_school_person_is_refused(world: SchoolWorld, other_world: SchoolWorld) -> None:
    with pytest.raises(ValidationError):
        send(world, "principal", [f"person:{other_world.user('teacher').pk}"])
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("subject", "body", "error"),
    [
        ("", "x", "Enter a subject."),
        ("x" * 151, "x", "at most 150"),
        ("Temat", "   ", "Enter the text"),
    ],
)
def test_bad_input(world: SchoolWorld, subject: str, body: str, error: str) -> None:
    with pytest.raises(ValidationError) as raised:
        send(world, "teacher", ["staff"], subject=subject, body=body)
    assert any(error in m for m in raised.value.messages)
    assert not Message.objects.exists()


def test_malformed_and_missing_recipients(world: SchoolWorld) -> None:
    with pytest.raises(ValidationError) as raised:
        send(world, "teacher", ["nonsense"])
    assert any("Unknown recipient" in m for m in raised.value.messages)
    with pytest.raises(ValidationError) as raised:
        send(world, "teacher", [])
    assert any("at least one" in m for m in raised.value.messages)


def test_idempotency_key_sends_once(world: SchoolWorld) -> None:
    key = uuid.uuid4()
    first = send(world, "teacher", ["staff"], idempotency_key=key)
    second = send(world, "teacher", ["staff"], idempotency_key=str(key))
    assert first.pk == second.pk
    assert Message.objects.count() == 1


def test_class_send_reaches_guardians_and_students(world: SchoolWorld) -> None:
    guardians = add_families(world.school_class, 3)
    message = send(world, "homeroom_teacher", [f"class_all:{world.school_class.pk}"])
    owners = set(
        Delivery.objects.filter(message=message, is_sender_copy=False).values_list(
            "owner_id", flat=True
        )
    )
    assert {g.pk for g in guardians} <= owners
    assert world.user("guardian").pk in owners and world.student.user_id in owners
    assert world.other_student.user_id not in owners
    assert message.recipient_count == len(owners) == 8
    assert "6b" in message.recipients_label


def test_group_send(world: SchoolWorld) -> None:
    from kajet.school.models import Course

    Course.objects.create(
        school=world.school,
        year=world.year,
        subject=world.subject,
        school_class=world.school_class,
        group=world.group,
        teacher=world.user("teacher"),
    )
    message = send(world, "teacher", [f"group_guardians:{world.group.pk}"])
    assert set(
        Delivery.objects.filter(message=message, is_sender_copy=False).values_list(
            "owner_id", flat=True
        )
    ) == {world.user("guardian").pk}


def test_send_query_count_is_constant(world: SchoolWorld) -> None:
    principal = world.user("principal")
    add_families(world.other_class, 9)

    def measure() -> int:
        with scope(school=world.school.pk), CaptureQueriesContext(connection) as ctx:
            services.message_send(
                sender=principal, recipients=["all_guardians"], subject="S", body="B"
            )
        return len(ctx.captured_queries)

    measure()  # the sender's roles are cached on the user object from here on
    small = measure()
    add_families(world.other_class, 1000)
    large = measure()
    assert small == large
    assert Message.objects.order_by("-id").first().recipient_count == 1010  # type: ignore[union-attr]


def test_open_records_first_read_once(world: SchoolWorld) -> None:
    homeroom = world.user("homeroom_teacher")
    message = send(world, "guardian", [f"person:{homeroom.pk}"])
    copy = Delivery.objects.select_related("message__school").get(message=message, owner=homeroom)
    services.message_open(user=homeroom, copy=copy)
    first = copy.first_read_at
    assert first is not None and not copy.is_unread
    services.delivery_mark_unread(user=homeroom, copy=copy)
    copy.refresh_from_db()
    assert copy.is_unread and copy.first_read_at == first
    services.message_open(user=homeroom, copy=copy)
    copy.refresh_from_db()
    assert copy.first_read_at == first and not copy.is_unread
    message.refresh_from_db()
    assert message.read_count == 1
    assert HistoryEntry.objects.filter(code="messaging.message.read").count() == 1


def test_sender_copy_records_no_read(world: SchoolWorld) -> None:
    guardian = world.user("guardian")
    message = send(world, "guardian", [f"person:{world.user('homeroom_teacher').pk}"])
    copy = Delivery.objects.select_related("message__school").get(message=message, owner=guardian)
    services.message_open(user=guardian, copy=copy)
    assert Message.objects.get(pk=message.pk).read_count == 0
    with pytest.raises(ValidationError):
        services.delivery_mark_unread(user=guardian, copy=copy)


def test_move_restore_delete_keep_read_receipt(world: SchoolWorld) -> None:
    homeroom = world.user("homeroom_teacher")
    guardian = world.user("guardian")
    message = send(world, "guardian", [f"person:{homeroom.pk}"])
    copy = Delivery.objects.select_related("message__school").get(message=message, owner=homeroom)
    services.message_open(user=homeroom, copy=copy)
    read_at = copy.first_read_at
    assert services.deliveries_move(user=homeroom, message_ids=[message.pk], to="archive") == 1
    assert Delivery.objects.get(pk=copy.pk).folder == Folder.ARCHIVE
    services.deliveries_move(user=homeroom, message_ids=[message.pk], to="trash")
    services.deliveries_move(user=homeroom, message_ids=[message.pk], to="restore")
    assert Delivery.objects.get(pk=copy.pk).folder == Folder.INBOX
    # the sender's copy goes back to Sent
    services.deliveries_move(user=guardian, message_ids=[message.pk], to="trash")
    services.deliveries_move(user=guardian, message_ids=[message.pk], to="restore")
    assert Delivery.objects.get(message=message, owner=guardian).folder == Folder.SENT
    # emptying the trash deletes only the user's own copies; the receipt stays
    services.deliveries_move(user=homeroom, message_ids=[message.pk], to="trash")
    assert services.trash_empty(user=homeroom) == 1
    copy.refresh_from_db()
    assert copy.deleted_at is not None and copy.first_read_at == read_at
    assert Delivery.objects.get(message=message, owner=guardian).deleted_at is None
    with pytest.raises(ValidationError):
        services.deliveries_move(user=homeroom, message_ids=[message.pk], to="inbox")


def test_other_users_copies_are_not_moved(world: SchoolWorld) -> None:
    homeroom = world.user("homeroom_teacher")
    message = send(world, "guardian", [f"person:{homeroom.pk}"])
    assert (
        services.deliveries_move(user=world.user("teacher"), message_ids=[message.pk], to="trash")
        == 0
    )
    assert services.deliveries_delete(user=world.user("teacher"), message_ids=[message.pk]) == 0


def test_unread_and_folder_counts(world: SchoolWorld) -> None:
    homeroom = world.user("homeroom_teacher")
    for _ in range(3):
        send(world, "guardian", [f"person:{homeroom.pk}"])
    assert unread_count(homeroom) == 3
    counts = folder_counts(homeroom)
    assert counts["inbox"] == {"total": 3, "unread": 3}
    assert folder_counts(world.user("guardian"))["sent"]["total"] == 3


def test_unread_count_uses_the_partial_index(world: SchoolWorld) -> None:
    homeroom = world.user("homeroom_teacher")
    send(world, "guardian", [f"person:{homeroom.pk}"])
    qs = Delivery.objects.filter(
        owner_id=homeroom.pk, is_unread=True, folder=Folder.INBOX, deleted_at__isnull=True
    )
    plan = qs.explain()
    assert "delivery_unread" in plan or "delivery_folder_list" in plan


def test_reply_goes_back_even_when_rules_would_not_allow(world: SchoolWorld) -> None:
    teacher = world.user("teacher")
    message = send(world, "guardian", [f"person:{teacher.pk}"])
    # the child leaves the school: the teacher no longer teaches them, but may still answer
    world.student.left_on = datetime.date(2026, 10, 1)
    world.student.save()
    guardian = world.user("guardian")
    with pytest.raises(ValidationError):
        send(world, "teacher", [f"person:{guardian.pk}"])
    reply = send(world, "teacher", [f"person:{guardian.pk}"], reply_to=message)
    assert reply.reply_to_id == message.pk


def test_guardian_of_several_children_says_which(world: SchoolWorld) -> None:
    from kajet.school.models import Guardianship

    guardian = world.user("guardian")
    second = world.other_student
    Guardianship.objects.create(school=world.school, guardian=guardian, student=second)
    homeroom = world.user("homeroom_teacher")
    with pytest.raises(ValidationError) as raised:
        send(world, "guardian", [f"person:{homeroom.pk}"])
    assert any("which child" in m for m in raised.value.messages)
    message = send(world, "guardian", [f"person:{homeroom.pk}"], concerns_student=world.student)
    assert message.concerns_student_id == world.student.pk
    with pytest.raises(ValidationError):
        send(
            world,
            "guardian",
            [f"person:{homeroom.pk}"],
            concerns_student=world.other_world_student if False else _stranger(world),
        )


def _stranger(world: SchoolWorld):  # type: ignore[no-untyped-def]
    from kajet.testutils.factories import StudentFactory

    return StudentFactory(school_class=world.other_class, class_number=9)


def test_forward_is_for_staff_and_keeps_attachments(world: SchoolWorld) -> None:
    teacher = world.user("teacher")
    upload = SimpleUploadedFile("zwolnienie.pdf", PDF, content_type="application/pdf")
    message = send(world, "guardian", [f"person:{teacher.pk}"], attachments=[upload])
    forwarded = send(
        world,
        "teacher",
        [f"person:{world.user('pedagogue').pk}"],
        forward_of=message,
        subject="Fwd: Temat",
    )
    assert forwarded.attachment_count == 1
    assert Attachment.objects.filter(message=forwarded).get().name == "zwolnienie.pdf"
    with pytest.raises(ValidationError) as raised:
        send(
            world,
            "guardian",
            [f"person:{teacher.pk}"],
            forward_of=message,
        )
    assert any("Only school staff" in m for m in raised.value.messages)


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("wirus.exe", b"MZ\x90\x00", "not an allowed type"),
        ("fake.pdf", b"<html><script>", "does not look like"),
        ("fake.png", b"%PDF-1.4", "does not look like"),
        ("plik.txt", b"abc\x00def", "does not look like"),
    ],
)
def test_bad_attachments_send_nothing(
    world: SchoolWorld, name: str, content: bytes, error: str
) -> None:
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as raised:
        send(world, "teacher", ["staff"], attachments=[upload])
    assert any(error in m for m in raised.value.messages)
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_attachment_limits(world: SchoolWorld, settings: object) -> None:
    settings.KAJET_MESSAGE_MAX_FILES = 2  # type: ignore[attr-defined]
    settings.KAJET_MESSAGE_MAX_FILE_MB = 1  # type: ignore[attr-defined]
    files = [SimpleUploadedFile(f"a{i}.txt", b"hello") for i in range(3)]
    with pytest.raises(ValidationError) as raised:
        send(world, "teacher", ["staff"], attachments=files)
    assert any("At most 2 files" in m for m in raised.value.messages)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as raised:
        send(world, "teacher", ["staff"], attachments=[big])
    assert any("larger than 1 MB" in m for m in raised.value.messages)


def test_attachment_stored_under_random_path(world: SchoolWorld) -> None:
    upload = SimpleUploadedFile("../../etc/Zeszyt ćwiczeń <1>.pdf", PDF)
    message = send(world, "teacher", ["staff"], attachments=[upload])
    attachment = Attachment.objects.get(message=message)
    assert attachment.name == "Zeszyt ćwiczeń _1_.pdf"
    assert attachment.file.name.startswith(f"messages/{world.school.pk}/")
    assert "Zeszyt" not in attachment.file.name
    assert attachment.content_type == "application/pdf"
    attachment.file.delete(save=False)


def test_council(world: SchoolWorld) -> None:
    homeroom = world.user("homeroom_teacher")
    guardian = world.user("guardian")
    with scope(school=world.school.pk):
        services.council_set(
            actor=homeroom, school_class=world.school_class, guardian_ids=[guardian.pk]
        )
    assert CouncilMember.objects.filter(guardian=guardian).exists()
    message = send(world, "homeroom_teacher", [f"council:{world.school_class.pk}"])
    assert Delivery.objects.filter(message=message, owner=guardian).exists()
    outsider = guardian_for(world.other_student, login="7999998")
    with pytest.raises(ValidationError), scope(school=world.school.pk):
        services.council_set(
            actor=homeroom, school_class=world.school_class, guardian_ids=[outsider.pk]
        )
    with scope(school=world.school.pk):
        services.council_set(actor=homeroom, school_class=world.school_class, guardian_ids=[])
    assert not CouncilMember.objects.exists()
