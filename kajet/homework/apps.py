from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "kajet.homework"
    label = "homework"
    verbose_name = "Homework"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register
        from kajet.homework.access import can

        register(
            NavItem(
                "homework",
                _("Homework"),
                "homework:list",
                60,
                lambda user: user.is_authenticated and can(user, "homework.view"),
            )
        )
