from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "kajet.records"
    label = "records"
    verbose_name = "Printouts and records"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kajet.audit.retention import RetentionKind, retention_kind_register
        from kajet.core.navigation import NavItem, register
        from kajet.records.access import can
        from kajet.records.printing import print_jobs_due, print_jobs_purge

        register(
            NavItem(
                "printouts",
                _("Printouts"),
                "records:index",
                80,
                lambda user: user.is_authenticated and can(user, "records.view"),
            )
        )
        # Finished printouts and their files (README "Printouts", retention).
        retention_kind_register(
            RetentionKind(
                "print_jobs",
                "KAJET_RETENTION_PRINT_JOB_DAYS",
                print_jobs_due,
                purge=print_jobs_purge,
            )
        )
