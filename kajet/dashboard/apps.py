from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "kajet.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register

        register(NavItem("home", _("Home"), "dashboard:home", 0, lambda user: True))
