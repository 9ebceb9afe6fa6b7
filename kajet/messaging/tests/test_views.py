"""Messaging pages: right role, wrong role in the same school, same role in another school."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from kajet.messaging import services
from kajet.messaging.models import Attachment, CouncilMember, Delivery, Folder, Message
from kajet.messaging.tests.helpers import fill_inbox
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], Client]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sent_by_guardian(world: SchoolWorld, **kw: Any) -> Message:
    with scope(school=world.school.pk):
        return services.message_send(
            sender=world.user("guardian"),
            recipients=[f"person:{world.user('homeroom_teacher').pk}"],
            subject="Nieobecność Jasia",
            body="Dzień dobry,\nJaś był chory. <b>Pozdrawiam</b> https://example.org/x",
            **kw,
        )


def test_inbox_lists_messages_and_badge(world: SchoolWorld, client_for: ClientFor) -> None:
    sent_by_guardian(world)
    response = client_for(world.user("homeroom_teacher")).get(reverse("messaging:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nieobecność Jasia" in html
    assert '<span class="badge">1</span>' in html


def test_inbox_constant_queries(
    world: SchoolWorld, client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    owner = world.user("homeroom_teacher")
    client = client_for(owner)
    fill_inbox(owner, world.user("guardian"), 10)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("messaging:inbox")).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request of a session also records the device
    small = count()
    assert small <= 12
    fill_inbox(owner, world.user("guardian"), 9990)
    large = count()
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(reverse("messaging:inbox") + "?page=200")


@pytest.mark.parametrize("folder", ["inbox", "sent", "archive", "trash"])
def test_every_folder_opens(world: SchoolWorld, client_for: ClientFor, folder: str) -> None:
    sent_by_guardian(world)
    response = client_for(world.user("guardian")).get(reverse(f"messaging:{folder}"))
    assert response.status_code == 200


def test_search(world: SchoolWorld, client_for: ClientFor) -> None:
    sent_by_guardian(world)
    client = client_for(world.user("homeroom_teacher"))
    assert "Nieobecność" in client.get(reverse("messaging:inbox") + "?q=chory").content.decode()
    guardian_name = world.user("guardian").last_name
    found = client.get(reverse("messaging:inbox") + f"?q={guardian_name}").content.decode()
    assert "Nieobecność" in found
    assert "Nieobecność" not in client.get(reverse("messaging:inbox") + "?q=xyzzy").content.decode()


def test_message_three_ways(
    world: SchoolWorld, other_world: SchoolWorld, client_for: ClientFor
) -> None:
    message = sent_by_guardian(world)
    url = reverse("messaging:message", args=[message.pk])
    homeroom = world.user("homeroom_teacher")
    response = client_for(homeroom).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # text kept plain: HTML escaped, line breaks kept, links clickable
    assert "&lt;b&gt;Pozdrawiam&lt;/b&gt;" in html
    assert "<br>" in html
    assert 'href="https://example.org/x"' in html
    assert Delivery.objects.get(message=message, owner=homeroom).first_read_at is not None
    assert client_for(world.user("teacher")).get(url).status_code == 404
    assert client_for(other_world.user("homeroom_teacher")).get(url).status_code == 404


def test_sender_sees_read_receipt(world: SchoolWorld, client_for: ClientFor) -> None:
    message = sent_by_guardian(world)
    url = reverse("messaging:message", args=[message.pk])
    guardian = client_for(world.user("guardian"))
    assert "not read yet" in guardian.get(url).content.decode()
    client_for(world.user("homeroom_teacher")).get(url)
    html = guardian.get(url).content.decode()
    assert "Read by 1 of 1." in html and "badge-ok" in html
    printed = guardian.get(reverse("messaging:print", args=[message.pk]))
    assert printed.status_code == 200
    assert "Read by 1 of 1." in printed.content.decode()
    assert (
        client_for(world.user("teacher"))
        .get(reverse("messaging:print", args=[message.pk]))
        .status_code
        == 404
    )


def test_compose_sends_and_redirects(world: SchoolWorld, client_for: ClientFor) -> None:
    client = client_for(world.user("guardian"))
    page = client.get(reverse("messaging:compose"))
    assert page.status_code == 200
    homeroom = world.user("homeroom_teacher")
    assert f'value="person:{homeroom.pk}"' in page.content.decode()
    key = str(uuid.uuid4())
    data = {
        "recipients": [f"person:{homeroom.pk}"],
        "subject": "Wycieczka",
        "body": "Czy są wolne miejsca?",
        "idempotency_key": key,
        "attachments": [SimpleUploadedFile("zgoda.pdf", PDF)],
    }
    response = client.post(reverse("messaging:compose"), data)
    assert response.status_code == 302
    data["attachments"] = [SimpleUploadedFile("zgoda.pdf", PDF)]
    again = client.post(reverse("messaging:compose"), data)  # a double click
    assert again.status_code == 302 and again.url == response.url
    assert Message.objects.count() == 1
    Attachment.objects.get().file.delete(save=False)


def test_compose_refuses_and_keeps_draft(world: SchoolWorld, client_for: ClientFor) -> None:
    client = client_for(world.user("guardian"))
    response = client.post(
        reverse("messaging:compose"),
        {
            "recipients": [f"person:{world.other_student.user_id}"],
            "subject": "Mój szkic",
            "body": "Treść szkicu",
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "You may not write to" in html
    assert 'value="Mój szkic"' in html and "Treść szkicu" in html
    assert not Message.objects.exists()


def test_compose_empty_subject(world: SchoolWorld, client_for: ClientFor) -> None:
    response = client_for(world.user("teacher")).post(
        reverse("messaging:compose"),
        {"recipients": ["staff"], "subject": "", "body": "x", "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert "Enter a subject." in response.content.decode()


def test_reply_prefill_and_forward_for_staff_only(
    world: SchoolWorld, client_for: ClientFor
) -> None:
    message = sent_by_guardian(world)
    homeroom = client_for(world.user("homeroom_teacher"))
    page = homeroom.get(reverse("messaging:compose") + f"?odpowiedz={message.pk}")
    html = page.content.decode()
    assert "Re: Nieobecność Jasia" in html
    assert f'value="person:{world.user("guardian").pk}" checked' in html
    assert homeroom.get(reverse("messaging:compose") + f"?przekaz={message.pk}").status_code == 200
    guardian = client_for(world.user("guardian"))
    assert guardian.get(reverse("messaging:compose") + f"?przekaz={message.pk}").status_code == 404
    outsider = client_for(world.user("teacher"))
    assert (
        outsider.get(reverse("messaging:compose") + f"?odpowiedz={message.pk}").status_code == 404
    )


def test_move_trash_restore_empty(world: SchoolWorld, client_for: ClientFor) -> None:
    message = sent_by_guardian(world)
    homeroom = world.user("homeroom_teacher")
    client = client_for(homeroom)
    client.post(reverse("messaging:move"), {"ids": [message.pk], "to": "trash", "back": "inbox"})
    assert Delivery.objects.get(message=message, owner=homeroom).folder == Folder.TRASH
    assert "Nieobecność" in client.get(reverse("messaging:trash")).content.decode()
    client.post(reverse("messaging:move"), {"ids": [message.pk], "to": "restore", "back": "trash"})
    assert Delivery.objects.get(message=message, owner=homeroom).folder == Folder.INBOX
    client.post(reverse("messaging:move"), {"ids": [message.pk], "to": "trash"})
    client.post(reverse("messaging:trash_empty"))
    assert Delivery.objects.get(message=message, owner=homeroom).deleted_at is not None
    assert client.get(reverse("messaging:message", args=[message.pk])).status_code == 404
    # someone else's POST moves nothing of theirs
    other = client_for(world.user("teacher"))
    other.post(reverse("messaging:move"), {"ids": [message.pk], "to": "trash"})
    assert Delivery.objects.get(message=message, owner=world.user("guardian")).folder == "sent"


def test_mark_unread(world: SchoolWorld, client_for: ClientFor) -> None:
    message = sent_by_guardian(world)
    homeroom = world.user("homeroom_teacher")
    client = client_for(homeroom)
    client.get(reverse("messaging:message", args=[message.pk]))
    client.post(reverse("messaging:mark_unread", args=[message.pk]))
    copy = Delivery.objects.get(message=message, owner=homeroom)
    assert copy.is_unread and copy.first_read_at is not None
    assert (
        client_for(world.user("teacher"))
        .post(reverse("messaging:mark_unread", args=[message.pk]))
        .status_code
        == 404
    )


def test_attachment_download_three_ways(
    world: SchoolWorld, other_world: SchoolWorld, client_for: ClientFor
) -> None:
    message = sent_by_guardian(
        world, attachments=[SimpleUploadedFile("Zaświadczenie lekarskie.pdf", PDF)]
    )
    attachment = Attachment.objects.get(message=message)
    url = reverse("messaging:attachment", args=[message.pk, attachment.pk])
    for user in (world.user("homeroom_teacher"), world.user("guardian")):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        # reading the stream to the end closes the file (through the test client's wrapper)
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert client_for(world.user("teacher")).get(url).status_code == 404
    assert client_for(other_world.user("homeroom_teacher")).get(url).status_code == 404
    attachment.file.delete(save=False)


def test_council_three_ways(
    world: SchoolWorld, other_world: SchoolWorld, client_for: ClientFor
) -> None:
    url = reverse("messaging:council", args=[world.school_class.pk])
    homeroom = client_for(world.user("homeroom_teacher"))
    assert homeroom.get(reverse("messaging:councils")).status_code == 302
    page = homeroom.get(url)
    assert page.status_code == 200
    guardian = world.user("guardian")
    assert guardian.last_name in page.content.decode()
    homeroom.post(url, {"guardians": [guardian.pk]})
    assert CouncilMember.objects.filter(guardian=guardian).exists()
    assert client_for(world.user("teacher")).get(url).status_code == 404
    assert client_for(world.user("guardian")).get(url).status_code == 404
    assert client_for(other_world.user("homeroom_teacher")).get(url).status_code == 404


def test_nav_shows_messages_for_every_role(world: SchoolWorld, client_for: ClientFor) -> None:
    for role in world.users:
        response = client_for(world.user(role)).get(reverse("messaging:inbox"))
        assert response.status_code == 200, role
        assert reverse("messaging:inbox") in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    assert client.get(reverse("messaging:inbox")).status_code == 302
