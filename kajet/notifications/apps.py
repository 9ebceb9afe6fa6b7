from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kajet.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register

        register(
            NavItem(
                "notifications",
                _("Notifications"),
                "notifications:list",
                90,
                lambda user: user.is_authenticated and user.school_id is not None,
            )
        )
