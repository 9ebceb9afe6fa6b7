"""Connection-level setup that Django's settings cannot express."""

from typing import Any

from django.db.backends.signals import connection_created


def _sqlite_pragmas(sender: Any, connection: Any, **kwargs: Any) -> None:
    # init_command runs the PRAGMAs; this keeps the synchronous level for connections
    # opened by tools that bypass OPTIONS (e.g. dbshell does not matter; tests do).
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys=ON;")


connection_created.connect(_sqlite_pragmas)
