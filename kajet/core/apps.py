from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kajet.core"
    label = "core"
    verbose_name = "Kajet core"

    def ready(self) -> None:
        from kajet.core import converters, db_signals, lookups  # noqa: F401  (SQLite, lookups)

        converters.register()  # before any URLconf is loaded: every urls.py uses <id:...>
