from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _sees_grades(user: Any) -> bool:
    from kajet.grades.access import PERMISSIONS
    from kajet.school.access import roles_of

    allowed = frozenset().union(*PERMISSIONS.values())
    return bool(roles_of(user) & allowed)


class GradesConfig(AppConfig):
    name = "kajet.grades"
    label = "grades"
    verbose_name = "Grades"

    def ready(self) -> None:
        from kajet.core.navigation import NavItem, register

        register(NavItem("grades", _("Grades"), "grades:index", 10, _sees_grades))
