"""End to end in Chromium: a guardian reads an announcement and its author sees it read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kajet.noticeboard.models import AnnouncementRead
from kajet.testutils.factories import SchoolWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_guardian_reads_and_author_sees_it(
    world: SchoolWorld, live_server: Any, signed_in: Callable[..., Any]
) -> None:
    base = live_server.url
    teacher = world.user("homeroom_teacher")
    guardian = world.user("guardian")

    # The homeroom teacher publishes to their class.
    author = signed_in(teacher)
    author.goto(f"{base}/ogloszenia/nowe/")
    author.fill("input[name=title]", "Wycieczka do Malborka")
    author.fill("textarea[name=body]", "Wyjazd w piątek o 7:30.\nRegulamin: https://example.pl/r")
    author.check(f"input[name=classes][value='{world.school_class.pk}']")
    author.fill("input[name=shown_from]", timezone.localdate().isoformat())
    author.click("main form button[type=submit]")
    author.wait_for_selector("h1:has-text('Wycieczka do Malborka')")
    assert author.locator(".read-count").inner_text().startswith("Read by 0 of ")
    detail_url = author.url

    # The guardian sees it unread on the board and the dashboard, and opens it.
    reader = signed_in(guardian, width=360)
    reader.goto(f"{base}/")
    assert reader.locator("strong:has-text('Wycieczka do Malborka')").count() == 1  # unread
    reader.goto(f"{base}/ogloszenia/")
    card = reader.locator("li.ann-item", has_text="Wycieczka do Malborka")
    assert "unread" in (card.get_attribute("class") or "")
    card.locator("a").first.click()
    reader.wait_for_selector("h1:has-text('Wycieczka do Malborka')")
    assert reader.locator("a[href='https://example.pl/r']").count() == 1
    assert reader.locator(".reads").count() == 0
    assert AnnouncementRead.objects.filter(user=guardian).count() == 1

    # The author sees who has read it.
    author.goto(detail_url)
    assert author.locator(".read-count").inner_text().startswith("Read by 1 of ")
    assert author.locator(".reads td", has_text=guardian.full_name).count() == 1
