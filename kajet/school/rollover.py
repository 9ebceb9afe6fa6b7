"""The new school year's rules — pure (no ORM): the next year's name, each class's next name
and level, and what stops a rollover.

A class moves up one level and keeps its letter (``6b`` → ``7b``, ``VIb`` → ``VIIb``); a class
of the school's last level graduates. A student who is not promoted stays in their level: they
join the new year's class of the same name when there is one (``6b`` again, promoted from
``5b``), otherwise they are left for the administrator to place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"]


@dataclass(frozen=True)
class ClassSpec:
    """One class of the year being closed."""

    key: int
    name: str
    level: int


@dataclass(frozen=True)
class ClassStep:
    """Where a class goes: ``next_name``/``next_level`` in the new year, or None (it
    graduates)."""

    key: int
    name: str
    level: int
    next_name: str | None
    next_level: int | None

    @property
    def graduates(self) -> bool:
        return self.next_level is None


def next_year_name(name: str) -> str:
    """``2026/2027`` → ``2027/2028`` (also ``2026-2027``); '' when the name has no years."""
    match = re.fullmatch(r"\s*(\d{4})\s*([/-])\s*(\d{4})\s*", name)
    if not match:
        return ""
    first, sep, second = int(match[1]), match[2], int(match[3])
    return f"{first + 1}{sep}{second + 1}"


def next_class_name(name: str, level: int) -> str | None:
    """The class's name one level up, keeping what follows the level: ``6b`` → ``7b``,
    ``VIb`` → ``VIIb``, ``3 TI`` → ``4 TI``. None when the name does not start with its level
    (a name the rule cannot continue)."""
    text = name.strip()
    arabic = re.match(r"(\d+)(.*)", text, re.DOTALL)
    if arabic:
        if int(arabic[1]) != level:
            return None
        return f"{level + 1}{arabic[2]}"
    if 1 <= level < len(ROMAN):
        numeral = ROMAN[level - 1]
        rest = text[len(numeral) :]
        # "VIb" starts with "VI" but "VIIb" must not be read as level 6 followed by "Ib".
        if text.upper().startswith(numeral) and not (rest[:1].upper() in "IVX" and rest[:1]):
            return f"{ROMAN[level]}{rest}"
    return None


def promote_classes(
    classes: Sequence[ClassSpec], *, last_level: int
) -> tuple[list[ClassStep], list[str]]:
    """Each class's step into the new year, and every problem that stops the rollover: a class
    with no next level (above the last level, or a name the rule cannot continue) or two
    classes that would get the same name."""
    steps: list[ClassStep] = []
    problems: list[str] = []
    taken: dict[str, str] = {}
    for spec in sorted(classes, key=lambda c: (c.level, c.name)):
        if spec.level == last_level:
            steps.append(ClassStep(spec.key, spec.name, spec.level, None, None))
            continue
        if spec.level > last_level:
            problems.append(
                _("Class %(name)s has no next level: the school's last level is %(last)s.")
                % {"name": spec.name, "last": last_level}
            )
            continue
        new_name = next_class_name(spec.name, spec.level)
        if new_name is None:
            problems.append(
                _(
                    "Class %(name)s has no next level: its name does not start with its "
                    "level (%(level)s). Correct the class's name or level first."
                )
                % {"name": spec.name, "level": spec.level}
            )
            continue
        key = new_name.casefold()
        if key in taken:
            problems.append(
                _("Classes %(first)s and %(second)s would both become %(new)s.")
                % {"first": taken[key], "second": spec.name, "new": new_name}
            )
            continue
        taken[key] = spec.name
        steps.append(ClassStep(spec.key, spec.name, spec.level, new_name, spec.level + 1))
    return steps, problems


def held_back_class(old_name: str, level: int, steps: Sequence[ClassStep]) -> str | None:
    """The new year's class a student who is not promoted joins: the class of the same name
    (their level, the next letter group coming up), else the first class of their level, else
    None (left in the old class for the administrator to place)."""
    same_level = sorted(s.next_name for s in steps if s.next_level == level and s.next_name)
    for name in same_level:
        if name.casefold() == old_name.casefold():
            return name
    return same_level[0] if same_level else None
