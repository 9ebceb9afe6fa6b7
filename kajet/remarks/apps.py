from django.apps import AppConfig


class RemarksConfig(AppConfig):
    name = "kajet.remarks"
    label = "remarks"
    verbose_name = "Remarks"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register
        from kajet.remarks.access import can

        register(
            NavItem(
                "remarks",
                _("Remarks"),
                "remarks:list",
                15,
                lambda user: user.is_authenticated and can(user, "remark.view"),
            )
        )
        register(
            NavItem(
                "remark_categories",
                _("Remark categories"),
                "remarks:categories",
                85,
                lambda user: (
                    user.is_authenticated
                    and can(user, "remark.categories")
                    and not can(user, "remark.view")
                ),
            )
        )
