"""How a room is named in a sentence (pure; no ORM)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def room_label(name: str) -> str:
    """``"sala 12"`` for a room known by its number or code, the name alone for a room whose
    name already says what it is ("Sala gimnastyczna", "Aula", "Biblioteka") — never
    "sala Sala gimnastyczna"."""
    name = name.strip()
    if not name:
        return ""
    if name[0].isdigit() or (len(name) <= 4 and not name.isalpha()):
        return _("room %(name)s") % {"name": name}
    return name
