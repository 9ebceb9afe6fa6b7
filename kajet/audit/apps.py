from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kajet.audit"
    label = "audit"
    verbose_name = "Access log and retention (GDPR)"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.audit.access import can
        from kajet.core.navigation import NavItem, register

        # The principal's review; families reach theirs from the account menu.
        register(
            NavItem(
                "access_log",
                _("Access log"),
                "audit:log",
                88,
                lambda user: user.is_authenticated and can(user, "audit.access_log"),
            )
        )
