from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "kajet.attendance"
    label = "attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.attendance.access import can
        from kajet.core.navigation import NavItem, register

        register(
            NavItem(
                "attendance",
                _("Attendance"),
                "attendance:index",
                20,
                lambda user: (
                    user.is_authenticated
                    and (
                        can(user, "attendance.take")
                        or can(user, "attendance.view_family")
                        or can(user, "attendance.school_view")
                        or can(user, "attendance.settings")
                    )
                ),
            )
        )
