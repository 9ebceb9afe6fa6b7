"""``{% fixed_url "app:name" %}``: the URL of a view that takes no arguments, reversed once
per process (see ``kajet.core.navigation.fixed_url``). For the links every page carries."""

from __future__ import annotations

from django import template

from kajet.core.navigation import fixed_url as _fixed_url

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return _fixed_url(name)
