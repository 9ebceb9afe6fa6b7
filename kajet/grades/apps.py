from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from kajet.accounts.models import User


def _sees_grades(user: User) -> bool:
    from kajet.grades.access import index_roles
    from kajet.school.access import roles_of

    return bool(roles_of(user) & index_roles())


class GradesConfig(AppConfig):
    name = "kajet.grades"
    label = "grades"
    verbose_name = "Grades"

    def ready(self) -> None:
        from kajet.core.navigation import NavItem, register
        from kajet.grades.promotion import annual_failures
        from kajet.school.promotion import register_promotion_blocker

        register(NavItem("grades", _("Grades"), "grades:index", 10, _sees_grades))
        # The new school year's rollover proposes students with an annual 1 as not promoted.
        register_promotion_blocker(annual_failures)
