from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from kajet.accounts.models import User


class TimetableConfig(AppConfig):
    name = "kajet.timetable"
    label = "timetable"
    verbose_name = "Timetable and calendar"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register
        from kajet.timetable.access import can

        def sees_timetable(user: User) -> bool:
            return can(user, "timetable.view_own") or can(user, "timetable.view_school")

        register(NavItem("timetable", _("Timetable"), "timetable:week", 50, sees_timetable))
        register(
            NavItem(
                "calendar",
                _("Calendar"),
                "timetable:calendar",
                55,
                lambda user: can(user, "calendar.view"),
            )
        )
