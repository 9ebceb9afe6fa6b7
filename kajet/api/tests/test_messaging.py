"""Messages API: the same rules as the pages, three ways."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kajet.messaging.models import Attachment, Delivery, Message
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Any], Client]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def send(client: Client, **data: Any) -> Any:
    return client.post(reverse("api:message-send"), data, content_type="application/json")


def test_send_read_receipts_flow(
    world: SchoolWorld, other_world: SchoolWorld, client_for: ClientFor
) -> None:
    guardian = client_for(world.user("guardian"))
    homeroom_user = world.user("homeroom_teacher")
    response = send(
        guardian,
        recipients=[f"person:{homeroom_user.pk}"],
        subject="Zebranie",
        body="Kiedy?",
        idempotency_key=str(uuid.uuid4()),
    )
    assert response.status_code == 201, response.content
    message_id = response.json()["id"]

    homeroom = client_for(homeroom_user)
    folders = {f["folder"]: f for f in homeroom.get(reverse("api:message-folders")).json()}
    assert folders["inbox"]["unread"] == 1
    listing = homeroom.get(reverse("api:message-folder", args=["inbox"])).json()
    assert listing["count"] == 1 and listing["results"][0]["is_unread"] is True

    detail = homeroom.get(reverse("api:message", args=[message_id]))
    assert detail.status_code == 200
    assert detail.json()["body"] == "Kiedy?"
    assert Delivery.objects.get(message_id=message_id, owner=homeroom_user).first_read_at

    receipts = guardian.get(reverse("api:message-receipts", args=[message_id])).json()
    assert receipts["read_count"] == 1
    assert receipts["receipts"][0]["first_read_at"] is not None
    # only the sender sees receipts; strangers get 404
    assert homeroom.get(reverse("api:message-receipts", args=[message_id])).status_code == 404
    outsider = client_for(world.user("teacher"))
    assert outsider.get(reverse("api:message", args=[message_id])).status_code == 404
    other = client_for(other_world.user("homeroom_teacher"))
    assert other.get(reverse("api:message", args=[message_id])).status_code == 404


def test_send_refused_with_clear_message(world: SchoolWorld, client_for: ClientFor) -> None:
    response = send(
        client_for(world.user("student")),
        recipients=[f"person:{world.other_student.user_id}"],
        subject="Hej",
        body="x",
    )
    assert response.status_code == 400
    assert "You may not write to" in response.json()["detail"]
    assert not Message.objects.exists()


def test_send_multipart_with_attachment(world: SchoolWorld, client_for: ClientFor) -> None:
    client = client_for(world.user("teacher"))
    response = client.post(
        reverse("api:message-send"),
        {
            "recipients": ["staff", f"class_guardians:{world.school_class.pk}"],
            "subject": "Plan",
            "body": "W załączniku.",
            "attachments": [SimpleUploadedFile("plan.pdf", PDF)],
        },
    )
    assert response.status_code == 201, response.content
    message_id = response.json()["id"]
    attachment = Attachment.objects.get(message_id=message_id)
    url = reverse("api:message-attachment", args=[message_id, attachment.pk])
    download = client_for(world.user("guardian")).get(url)
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert client_for(world.user("student")).get(url).status_code == 404
    bad = client.post(
        reverse("api:message-send"),
        {
            "recipients": ["staff"],
            "subject": "Plan",
            "body": "x",
            "attachments": [SimpleUploadedFile("plan.exe", b"MZ")],
        },
    )
    assert bad.status_code == 400 and "not an allowed type" in bad.json()["detail"]
    attachment.file.delete(save=False)


def test_move_delete_and_trash(world: SchoolWorld, client_for: ClientFor) -> None:
    guardian = client_for(world.user("guardian"))
    homeroom_user = world.user("homeroom_teacher")
    message_id = send(
        guardian, recipients=[f"person:{homeroom_user.pk}"], subject="A", body="B"
    ).json()["id"]
    homeroom = client_for(homeroom_user)
    moved = homeroom.post(
        reverse("api:message-move"), {"ids": [message_id], "to": "trash"}, "application/json"
    )
    assert moved.json() == {"count": 1}
    assert homeroom.post(reverse("api:message-trash-empty")).json() == {"count": 1}
    assert homeroom.get(reverse("api:message", args=[message_id])).status_code == 404
    assert guardian.delete(reverse("api:message", args=[message_id])).status_code == 204
    assert guardian.delete(reverse("api:message", args=[message_id])).status_code == 404
    bad = homeroom.post(
        reverse("api:message-move"), {"ids": [message_id], "to": "inbox"}, "application/json"
    )
    assert bad.status_code == 400


def test_recipient_groups_by_role(world: SchoolWorld, client_for: ClientFor) -> None:
    guardian_groups = client_for(world.user("guardian")).get(
        reverse("api:message-recipient-groups")
    )
    keys = {o["key"] for g in guardian_groups.json() for o in g["options"]}
    assert f"person:{world.user('homeroom_teacher').pk}" in keys
    assert f"council:{world.school_class.pk}" in keys
    assert "all_guardians" not in keys
    principal_keys = {
        o["key"]
        for g in client_for(world.user("principal"))
        .get(reverse("api:message-recipient-groups"))
        .json()
        for o in g["options"]
    }
    assert {"all_guardians", "all_students", "staff"} <= principal_keys
    assert f"class_guardians:{world.other_class.pk}" in principal_keys


def test_unknown_folder_is_404(world: SchoolWorld, client_for: ClientFor) -> None:
    client = client_for(world.user("guardian"))
    assert client.get(reverse("api:message-folder", args=["spam"])).status_code == 404


def test_anonymous_refused(client: Client) -> None:
    assert client.get(reverse("api:message-folders")).status_code in (401, 403)
