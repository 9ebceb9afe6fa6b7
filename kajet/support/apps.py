from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "kajet.support"
    label = "support"
    verbose_name = "Pupil support (pedagogue, psychologist)"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register
        from kajet.support.access import can

        register(
            NavItem(
                "support",
                _("Students"),
                "support:index",
                18,
                lambda user: user.is_authenticated and can(user, "support.student_card"),
            )
        )
