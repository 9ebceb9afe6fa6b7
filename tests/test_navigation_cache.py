"""The navigation is kept rendered under a key of everything it shows (``nav_key``,
``{% cache %}`` in base.html): a new badge number, another current page, another role or
language render anew."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kajet.core.navigation import nav_key
from kajet.messaging.models import Delivery, Message

ENTRY = {
    "key": "messages",
    "url": "/wiadomosci/",
    "label": "Messages",
    "badge": 2,
    "current": False,
}


@pytest.mark.parametrize(
    ("change", "profile"),
    [
        ({"badge": 3}, "guardian"),
        ({"badge": None}, "guardian"),
        ({"current": True}, "guardian"),
        ({"url": "/skrypt/wiadomosci/"}, "guardian"),
        ({"label": "Wiadomości"}, "guardian"),
        ({}, "student"),  # another phone bar
    ],
)
def test_the_key_changes_with_whatever_the_navigation_shows(
    change: dict[str, Any], profile: str
) -> None:
    home = {"key": "home", "url": "/", "label": "Home", "badge": None, "current": True}
    base = nav_key([home, ENTRY], "guardian")
    assert nav_key([home, ENTRY], "guardian") == base
    assert nav_key([home, {**ENTRY, **change}], profile) != base


def _unread_message(world: Any, owner: Any, subject: str) -> None:
    message = Message.objects.create(
        school=world.school,
        sender=world.user("teacher"),
        subject=subject,
        body="Treść",
        created_at=timezone.now(),
    )
    Delivery.objects.create(
        school=world.school, message=message, owner=owner, created_at=message.created_at
    )


def _messages_link(page: str) -> str:
    inbox = reverse("messaging:inbox")
    start = page.index(f'<a href="{inbox}"')
    return page[start : page.index("</a>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["dashboard:home", "noticeboard:board"])
def test_the_unread_badge_follows_the_messages(world: Any, client_for: Any, url_name: str) -> None:
    guardian = world.user("guardian")
    client = client_for(guardian)
    url = reverse(url_name)
    assert 'class="badge"' not in _messages_link(client.get(url).content.decode())
    _unread_message(world, guardian, "Pierwsza")
    assert '<span class="badge">1</span>' in _messages_link(client.get(url).content.decode())
    _unread_message(world, guardian, "Druga")
    assert '<span class="badge">2</span>' in _messages_link(client.get(url).content.decode())


@pytest.mark.django_db
def test_the_current_page_is_marked_on_each_page(world: Any, client_for: Any) -> None:
    client = client_for(world.user("guardian"))
    inbox, home = reverse("messaging:inbox"), reverse("dashboard:home")
    for _ in range(2):  # rendered, then from the cache
        page = client.get(home).content.decode()
        assert f'<a href="{home}" aria-current="page"' in page
        assert f'<a href="{inbox}" aria-current="page"' not in page
        page = client.get(inbox).content.decode()
        assert f'<a href="{inbox}" aria-current="page"' in page
        assert f'<a href="{home}" aria-current="page"' not in page


@pytest.mark.django_db
def test_each_role_gets_its_own_navigation(world: Any, client_for: Any) -> None:
    """Two roles in turn (the second after the first's navigation is cached)."""
    school_hub = reverse("school:hub")
    guardian = client_for(world.user("guardian")).get(reverse("dashboard:home")).content.decode()
    office = client_for(world.user("secretariat")).get(reverse("dashboard:home")).content.decode()
    assert f'href="{school_hub}"' not in guardian
    assert f'href="{school_hub}"' in office
    again = client_for(world.user("guardian")).get(reverse("dashboard:home")).content.decode()
    assert f'href="{school_hub}"' not in again
