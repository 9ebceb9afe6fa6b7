"""``{% push_devices %}``: the signed-in user's push devices, for the sessions-and-devices page
(kept here so that kajet.accounts does not import notifications)."""

from __future__ import annotations

from typing import Any

from django import template

from kajet.notifications.selectors import push_devices_for_user

register = template.Library()


@register.inclusion_tag("notifications/_push_devices.html", takes_context=True)
def push_devices(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    return {
        "push_devices": push_devices_for_user(user_id=request.user.pk),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
