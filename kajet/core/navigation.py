"""A registry of navigation entries. Each app registers its own entries in its AppConfig
(so ``core`` does not import higher layers); an entry is shown when its check passes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    order: int
    visible: Callable[[Any], bool]
    badge: Callable[[Any], int | None] | None = None  # e.g. an unread count (0/None: none)


_REGISTRY: list[NavItem] = []

#: How long a rendered navigation stays in the cache. Its key is everything it shows
#: (``nav_key``), so it is never stale; this only bounds how long an unused one is kept.
NAV_CACHE_SECONDS = 3600


@functools.cache
def _url(url_name: str, script_prefix: str) -> str:
    """An entry's URL: the same for every request of a process with the same script prefix
    (``reverse`` per entry and request was a fifth of the navigation's cost)."""
    return reverse(url_name)


def register(item: NavItem) -> None:
    if any(existing.key == item.key for existing in _REGISTRY):
        return
    _REGISTRY.append(item)
    _REGISTRY.sort(key=lambda i: i.order)


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The visible entries; the current one is the entry whose URL is the longest prefix of
    the requested path (so /plan/terminarz/ marks Calendar, not Timetable at /plan/).

    A page that has already read a badge's number (the dashboard reads the unread count with
    the newest messages) hands it over in ``request.nav_badges`` (entry key → number), so
    the navigation does not count again."""
    user = request.user
    known: dict[str, int | None] = getattr(request, "nav_badges", {})
    items = []
    for item in _REGISTRY:
        if not item.visible(user):
            continue
        items.append(
            {
                "key": item.key,
                "label": item.label,
                "url": _url(item.url_name, get_script_prefix()),
                "badge": _badge(item, user, known),
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


def nav_key(items: list[dict[str, Any]], profile: str) -> str:
    """The cache key of the rendered navigation (desktop and phone, ``base.html``): everything
    it shows — each entry's key, URL, label, badge and whether it is the current page — and
    the favourites' profile (the phone's bar). Equal keys render equal HTML (with the same
    language, which ``base.html`` adds)."""
    shown = (
        f"{e['key']},{e['url']},{e['label']},{e['badge'] or 0},{int(e['current'])}" for e in items
    )
    return "|".join([profile, *shown])


def _badge(item: NavItem, user: Any, known: dict[str, int | None]) -> int | None:
    if item.key in known:
        return known[item.key]
    return item.badge(user) if item.badge is not None else None


#: How many sections the phone's bottom bar shows before "More" (five slots at 360 px).
PHONE_SLOTS = 4

#: The sections each kind of user opens most, for the phone's bottom bar. The bar keeps the
#: desktop order; the rest of the sections are one tap away under "More".
PHONE_FAVOURITES: dict[str, tuple[str, ...]] = {
    "guardian": ("home", "grades", "attendance", "messages"),
    "student": ("home", "grades", "timetable", "messages"),
    "principal": ("home", "grades", "attendance", "messages"),
    "teacher": ("home", "grades", "attendance", "messages"),
    "homeroom_teacher": ("home", "grades", "attendance", "messages"),
    "secretariat": ("home", "messages", "school", "printouts"),
    "school_admin": ("home", "messages", "timetable", "school"),
    "pedagogue": ("home", "messages", "attendance", "remarks"),
    "psychologist": ("home", "messages", "attendance", "remarks"),
}

#: A person with several staff roles gets the favourites of the first role they hold here.
_STAFF_PROFILES = (
    "principal",
    "teacher",
    "homeroom_teacher",
    "secretariat",
    "school_admin",
    "pedagogue",
    "psychologist",
)


def _given_roles(user: Any) -> frozenset[str]:
    roles: frozenset[str] = user.staff_roles
    return roles


#: How the navigation learns a staff member's roles. The school app registers its request-
#: cached ``roles_of`` (the visibility checks have already read the roles, so the bar costs no
#: query); ``core`` cannot import it.
_roles_of: Callable[[Any], frozenset[str]] = _given_roles


def register_roles(function: Callable[[Any], frozenset[str]]) -> None:
    global _roles_of
    _roles_of = function


def nav_profile(kind: str, roles: frozenset[str]) -> str:
    """Which favourites apply: the family's kind, or the staff member's leading role."""
    if kind != "staff":
        return kind
    return next((role for role in _STAFF_PROFILES if role in roles), "teacher")


def profile_of(user: Any) -> str:
    roles = _roles_of(user) if user.kind == "staff" else frozenset()
    return nav_profile(str(user.kind), roles)


def phone_split(
    keys: Sequence[str], favourites: Sequence[str], slots: int = PHONE_SLOTS
) -> tuple[list[str], list[str]]:
    """Split the visible sections (in desktop order) into the bar and "More".

    The bar holds the favourites the user can see, topped up with the next sections in order
    when fewer are visible; with at most ``slots + 1`` sections there is no "More" at all
    (the last slot shows the section itself instead)."""
    if len(keys) <= slots + 1:
        return list(keys), []
    chosen = [key for key in keys if key in favourites][:slots]
    for key in keys:
        if len(chosen) >= slots:
            break
        if key not in chosen:
            chosen.append(key)
    bar = [key for key in keys if key in chosen]
    return bar, [key for key in keys if key not in chosen]


def phone_navigation(items: list[dict[str, Any]], profile: str) -> dict[str, Any]:
    """The phone's bottom bar from the visible entries: ``bar`` and ``more`` (entries), and for
    the "More" button the sum of its entries' badges and whether it holds the current page."""
    by_key = {item["key"]: item for item in items}
    bar, more = phone_split(list(by_key), PHONE_FAVOURITES.get(profile, ()))
    more_items = [by_key[key] for key in more]
    return {
        "bar": [by_key[key] for key in bar],
        "more": more_items,
        "more_badge": sum(item["badge"] or 0 for item in more_items),
        "more_current": next((item for item in more_items if item["current"]), None),
    }
