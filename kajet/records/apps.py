from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "kajet.records"
    label = "records"
    verbose_name = "Printouts and records"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register
        from kajet.records.access import can

        register(
            NavItem(
                "printouts",
                _("Printouts"),
                "records:index",
                80,
                lambda user: user.is_authenticated and can(user, "records.view"),
            )
        )
