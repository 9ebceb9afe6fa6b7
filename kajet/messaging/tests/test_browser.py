"""End to end in Chromium: write with an attachment, read, see the receipt, class message,
trash and restore."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kajet.accounts.models import User
from kajet.messaging.models import Delivery, Message
from kajet.testutils.factories import SchoolWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _guardian_writes_with_an_attachment(
    signed_in: Callable[..., Any], base: str, guardian: User, homeroom: User
) -> tuple[Any, Message]:
    """The guardian writes to the homeroom teacher with an attachment."""
    parent = signed_in(guardian)
    parent.goto(f"{base}/wiadomosci/nowa/")
    parent.check(f"input[name=recipients][value='person:{homeroom.pk}']")
    parent.fill("#subject", "Zwolnienie z WF")
    parent.fill("#body", "Dzień dobry,\nw załączniku zwolnienie lekarskie.")
    parent.set_input_files(
        "#attachments",
        files=[{"name": "zwolnienie.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    parent.dblclick("#send-button")  # a double click still sends once
    parent.wait_for_selector("text=Message sent.")
    assert parent.locator("text=not read yet").count() == 1
    message = Message.objects.get()
    assert Message.objects.count() == 1
    return parent, message


def _teacher_reads_it_by_keyboard(
    signed_in: Callable[..., Any], base: str, homeroom: User, message: Message
) -> tuple[Any, Delivery]:
    """The teacher sees it unread, opens it and the attachment is there."""
    teacher = signed_in(homeroom)
    teacher.goto(f"{base}/wiadomosci/")
    assert teacher.locator("nav.mainnav .badge").inner_text() == "1"
    # keyboard, as a screen-reader user would; the link's name says it is unread
    teacher.get_by_role("link", name="Unread: Zwolnienie z WF").focus()
    teacher.keyboard.press("Enter")
    teacher.wait_for_selector("h1:has-text('Zwolnienie z WF')")
    assert teacher.locator("a:has-text('zwolnienie.pdf')").count() == 1
    with teacher.expect_download() as download:
        teacher.click("a:has-text('zwolnienie.pdf')")
    assert download.value.suggested_filename == "zwolnienie.pdf"
    copy = Delivery.objects.get(message=message, owner=homeroom)
    assert copy.first_read_at is not None
    return teacher, copy


def _guardian_sees_the_read_receipt(parent: Any, copy: Delivery) -> None:
    parent.reload()
    assert parent.locator("text=Read by 1 of 1.").count() == 1
    receipt = parent.locator(".msg-receipts td").nth(1).inner_text()
    assert copy.first_read_at is not None
    assert "read" in receipt and str(copy.first_read_at.year) in receipt


def _teacher_writes_to_the_class_guardians(world: SchoolWorld, teacher: Any, base: str) -> None:
    teacher.goto(f"{base}/wiadomosci/nowa/")
    teacher.check(f"input[name=recipients][value='class_guardians:{world.school_class.pk}']")
    teacher.fill("#subject", "Zebranie z rodzicami")
    teacher.fill("#body", "Zapraszam w czwartek o 17:30.")
    teacher.click("#send-button")
    teacher.wait_for_selector("text=Message sent.")


def _guardian_trashes_and_restores_it(parent: Any, base: str) -> None:
    parent.goto(f"{base}/wiadomosci/")
    row = parent.locator("tr", has_text="Zebranie z rodzicami")
    row.locator("input[type=checkbox]").check()
    parent.click("button:has-text('Move selected to trash')")
    parent.wait_for_selector("text=Moved to the trash: 1.")
    assert parent.locator("text=Zebranie z rodzicami").count() == 0
    parent.goto(f"{base}/wiadomosci/kosz/")
    parent.locator("tr", has_text="Zebranie z rodzicami").locator("input[type=checkbox]").check()
    parent.click("button:has-text('Restore selected')")
    parent.wait_for_selector("text=Restored: 1.")
    parent.goto(f"{base}/wiadomosci/")
    assert parent.locator("text=Zebranie z rodzicami").count() == 1


def test_guardian_and_teacher_round_trip(
    world: SchoolWorld, live_server: Any, signed_in: Callable[..., Any]
) -> None:
    base = live_server.url
    guardian = world.user("guardian")
    homeroom = world.user("homeroom_teacher")
    parent, message = _guardian_writes_with_an_attachment(signed_in, base, guardian, homeroom)
    teacher, copy = _teacher_reads_it_by_keyboard(signed_in, base, homeroom, message)
    _guardian_sees_the_read_receipt(parent, copy)
    _teacher_writes_to_the_class_guardians(world, teacher, base)
    _guardian_trashes_and_restores_it(parent, base)


def test_refused_recipient_keeps_the_draft(
    world: SchoolWorld, live_server: Any, signed_in: Callable[..., Any]
) -> None:
    page = signed_in(world.user("student"), width=360)
    page.goto(f"{live_server.url}/wiadomosci/nowa/")
    # forge a recipient the picker does not offer
    page.evaluate(
        """key => { const i = document.createElement('input'); i.type = 'hidden';
        i.name = 'recipients'; i.value = key; document.getElementById('compose-form')
        .appendChild(i); }""",
        f"person:{world.other_student.user_id}",
    )
    page.fill("#subject", "Szkic")
    page.fill("#body", "Mój tekst")
    page.click("#send-button")
    page.wait_for_selector("#compose-errors")
    assert "You may not write to" in page.locator("#compose-errors").inner_text()
    assert page.input_value("#subject") == "Szkic"
    assert page.input_value("#body") == "Mój tekst"
    assert not Message.objects.exists()
