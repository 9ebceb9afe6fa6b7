"""A registry of navigation entries. Each app registers its own entries in its AppConfig
(so ``core`` does not import higher layers); an entry is shown when its check passes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    order: int
    visible: Callable[[Any], bool]
    badge: Callable[[Any], int | None] | None = None  # e.g. an unread count (0/None: none)


_REGISTRY: list[NavItem] = []


def register(item: NavItem) -> None:
    if any(existing.key == item.key for existing in _REGISTRY):
        return
    _REGISTRY.append(item)
    _REGISTRY.sort(key=lambda i: i.order)


_URLS: dict[tuple[object, str, str], str] = {}


def fixed_url(name: str) -> str:
    """``reverse(name)`` of a URL that takes no arguments, reversed once per process: every
    page shows the navigation and the account menu, and reversing is not free. Such a URL
    only changes with the URLconf and the script prefix, which are the key."""
    key = (get_urlconf(), get_script_prefix(), name)
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The visible entries; the current one is the entry whose URL is the longest prefix of
    the requested path (so /plan/terminarz/ marks Calendar, not Timetable at /plan/)."""
    user = request.user
    items = []
    for item in _REGISTRY:
        if not item.visible(user):
            continue
        items.append(
            {
                "key": item.key,
                "label": item.label,
                "url": fixed_url(item.url_name),
                "badge": item.badge(user) if item.badge is not None else None,
                "current": False,
            }
        )
    path = request.path
    matches = [
        entry
        for entry in items
        if path == entry["url"] or (entry["url"] != "/" and path.startswith(entry["url"]))
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["current"] = True
    return items
