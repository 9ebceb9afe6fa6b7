from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "kajet.school"
    label = "school"
    verbose_name = "School structure"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.core.navigation import NavItem, register, register_roles
        from kajet.school.access import office_sections, roles_of

        register(NavItem("school", _("School office"), "school:hub", 80, office_sections))
        register_roles(roles_of)
