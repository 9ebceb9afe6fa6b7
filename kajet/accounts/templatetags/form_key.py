"""``{% form_key %}`` in a create form: a one-time key (``kajet.accounts.idempotency``).
A template builtin (settings TEMPLATES), so no ``{% load %}`` is needed."""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html

from kajet.accounts.idempotency import FIELD

register = template.Library()


@register.simple_tag(takes_context=True)
def form_key(context: template.Context) -> str:
    """The key the form was shown with, when it is shown again with errors (so the corrected
    save is still one save), else a new one."""
    request = context.get("request")
    kept = request.POST.get(FIELD, "") if request is not None and request.method == "POST" else ""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, kept or uuid.uuid4())
