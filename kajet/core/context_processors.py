"""The role-based navigation: only modules that exist and that the user's roles may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kajet.core.navigation import navigation_for, phone_navigation, profile_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "school_id", None) is None:
        return {"nav_items": [], "nav_phone": None}
    items = navigation_for(request)
    return {"nav_items": items, "nav_phone": phone_navigation(items, profile_of(user))}
