from django.apps import AppConfig


class NoticeboardConfig(AppConfig):
    name = "kajet.noticeboard"
    label = "noticeboard"
    verbose_name = "Announcements"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register
        from kajet.noticeboard.access import can

        register(
            NavItem(
                "announcements",
                _("Announcements"),
                "noticeboard:board",
                40,
                lambda user: user.is_authenticated and can(user, "announcement.view"),
            )
        )
