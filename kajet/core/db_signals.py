"""Connection-level setup that Django's settings cannot express."""

from typing import Any

from django.db.backends.signals import connection_created

from kajet.core.collation import POLISH, polish_compare


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _sqlite_setup(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys=ON;")
        # Unicode case folding for the ``fcontains`` lookup (kajet.core.lookups).
        connection.connection.create_function("kajet_fold", 1, _fold, deterministic=True)
        # Polish alphabetical order for the name columns (kajet.core.collation).
        connection.connection.create_collation(POLISH, polish_compare)


connection_created.connect(_sqlite_setup)
