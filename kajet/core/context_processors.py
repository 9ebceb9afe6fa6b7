"""The role-based navigation: only modules that exist and that the user's roles may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kajet.core.navigation import (
    NAV_CACHE_SECONDS,
    nav_key,
    navigation_for,
    phone_navigation,
    profile_of,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The entries, the phone's bar, and the key under which ``base.html`` keeps the two
    rendered (``{% cache %}``: equal keys show equal navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "school_id", None) is None:
        return {"nav_items": [], "nav_phone": None}
    items = navigation_for(request)
    profile = profile_of(user)
    return {
        "nav_items": items,
        "nav_phone": phone_navigation(items, profile),
        "nav_key": nav_key(items, profile),
        "nav_cache_seconds": NAV_CACHE_SECONDS,
    }
