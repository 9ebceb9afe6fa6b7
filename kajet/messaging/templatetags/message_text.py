"""A message's body as HTML: web addresses and Kajet's own paths become links.

Messages Kajet writes itself (an excuse sent to the homeroom teacher) name a page by its path
(``/frekwencja/usprawiedliwienia/12/``) — the same text serves every host the school uses.
``urlize`` links only full addresses, so a path that is one of Kajet's pages is linked here;
any other text, also a path that is not a page, stays text (and escaped).
"""

from __future__ import annotations

import re

from django import template
from django.template.defaultfilters import urlize
from django.urls import Resolver404, resolve
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

#: A site-relative path standing alone as a word, with trailing punctuation kept apart.
_LOCAL_PATH = re.compile(r"(?P<path>/[\w\-/]*[\w\-/])(?P<trail>[.,;:!?)]*)")
_WHITESPACE = re.compile(r"(\s+)")


def _is_page(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@register.filter(is_safe=True, needs_autoescape=True)
def message_links(text: str, autoescape: bool = True) -> SafeString:
    """``urlize`` plus links for the words that are paths of Kajet's pages."""
    parts = []
    for word in _WHITESPACE.split(str(text)):
        local = _LOCAL_PATH.fullmatch(word)
        if local and not word.startswith("//") and _is_page(local["path"]):
            parts.append(format_html('<a href="{0}">{0}</a>{1}', local["path"], local["trail"]))
        else:
            parts.append(urlize(word, autoescape=autoescape))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
