"""The phone's bottom bar: which sections it shows and which go under "More" (pure rules)."""

from __future__ import annotations

import pytest

from kajet.core.navigation import PHONE_FAVOURITES, nav_profile, phone_navigation, phone_split

PRINCIPAL = [
    "home", "grades", "remarks", "attendance", "messages", "announcements", "timetable",
    "calendar", "homework", "school", "printouts", "notifications",
]  # fmt: skip
GUARDIAN = [
    "home", "grades", "remarks", "attendance", "messages", "announcements", "timetable",
    "calendar", "homework", "notifications",
]  # fmt: skip


@pytest.mark.parametrize(
    ("keys", "favourites", "bar", "more"),
    [
        # The favourites, in the desktop order; everything else under "More".
        (
            GUARDIAN,
            PHONE_FAVOURITES["guardian"],
            ["home", "grades", "attendance", "messages"],
            ["remarks", "announcements", "timetable", "calendar", "homework", "notifications"],
        ),
        (
            PRINCIPAL,
            PHONE_FAVOURITES["secretariat"],
            ["home", "messages", "school", "printouts"],
            [k for k in PRINCIPAL if k not in {"home", "messages", "school", "printouts"}],
        ),
        # A favourite the user cannot see leaves its slot to the next section in order.
        (
            ["home", "remarks", "messages", "announcements", "calendar", "notifications"],
            ("home", "messages", "attendance", "remarks"),
            ["home", "remarks", "messages", "announcements"],
            ["calendar", "notifications"],
        ),
        # Five sections or fewer fit in the bar without a "More".
        (
            ["home", "messages", "school", "printouts", "notifications"],
            ("home",),
            ["home", "messages", "school", "printouts", "notifications"],
            [],
        ),
        (["home"], (), ["home"], []),
        ([], ("home",), [], []),
    ],
)
def test_phone_split(
    keys: list[str], favourites: tuple[str, ...], bar: list[str], more: list[str]
) -> None:
    assert phone_split(keys, favourites) == (bar, more)


@pytest.mark.parametrize(
    ("kind", "roles", "profile"),
    [
        ("guardian", set(), "guardian"),
        ("student", set(), "student"),
        ("staff", {"teacher"}, "teacher"),
        ("staff", {"teacher", "principal"}, "principal"),
        ("staff", {"teacher", "homeroom_teacher"}, "teacher"),
        ("staff", {"secretariat"}, "secretariat"),
        ("staff", {"school_admin", "teacher"}, "teacher"),
        ("staff", {"psychologist"}, "psychologist"),
        ("staff", set(), "teacher"),
    ],
)
def test_nav_profile(kind: str, roles: set[str], profile: str) -> None:
    assert nav_profile(kind, frozenset(roles)) == profile
    assert profile in PHONE_FAVOURITES


def _item(key: str, *, badge: int | None = None, current: bool = False) -> dict[str, object]:
    return {"key": key, "label": key.title(), "url": f"/{key}/", "badge": badge, "current": current}


def test_more_carries_the_badges_and_the_current_page_of_its_sections() -> None:
    items = [_item(k) for k in GUARDIAN]
    items[GUARDIAN.index("messages")]["badge"] = 3  # in the bar: not counted under "More"
    items[GUARDIAN.index("notifications")]["badge"] = 2
    items[GUARDIAN.index("calendar")]["current"] = True
    phone = phone_navigation(items, "guardian")
    assert [i["key"] for i in phone["bar"]] == ["home", "grades", "attendance", "messages"]
    assert phone["more_badge"] == 2
    assert phone["more_current"]["key"] == "calendar"


def test_more_without_badges_or_current_page() -> None:
    items = [_item(k) for k in PRINCIPAL]
    items[0]["current"] = True
    phone = phone_navigation(items, "principal")
    assert phone["more_badge"] == 0
    assert phone["more_current"] is None
    assert len(phone["bar"]) + len(phone["more"]) == len(PRINCIPAL)
