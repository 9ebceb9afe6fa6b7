from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "kajet.polls"
    label = "polls"
    verbose_name = "Polls"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register
        from kajet.polls.access import can

        register(
            NavItem(
                "polls",
                _("Polls"),
                "polls:list",
                65,
                lambda user: user.is_authenticated and can(user, "poll.view"),
            )
        )
