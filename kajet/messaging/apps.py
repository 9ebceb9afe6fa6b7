from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "kajet.messaging"
    label = "messaging"
    verbose_name = "Messages"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from kajet.core.navigation import NavItem, register
        from kajet.messaging.access import can
        from kajet.messaging.selectors import unread_count

        register(
            NavItem(
                "messages",
                gettext_lazy("Messages"),
                "messaging:inbox",
                30,
                lambda user: can(user, "message.read"),
                badge=unread_count,
            )
        )
