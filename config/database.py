"""PostgreSQL connection settings from the environment's raw strings: a pure function, so every
combination (direct or behind PgBouncer, pool sizes, a bad value) is tested as a table
(``kajet/core/tests/test_database_settings.py``). ``config/settings.py`` reads the variables and
calls it; a bad combination raises ``ImproperlyConfigured``, which stops any process at start
with one line (``kajet.core.startup``).

Pool size follows the worker model. A sync gunicorn worker serves one request at a time and a
Celery prefork child runs one task at a time, each on one thread: Django holds at most one
connection per thread, so one pooled connection per process is enough (``KAJET_DB_POOL_MAX=1``,
the default). A threaded server (``gunicorn --threads N``, ``runserver``) needs N. The pool only
keeps the connection open between requests; PostgreSQL's ``max_connections`` must cover
(processes × ``KAJET_DB_POOL_MAX``) plus the maintenance commands (deploy/README.md).

Behind PgBouncer in transaction mode (``KAJET_DB_PGBOUNCER=1``) two things differ: consecutive
transactions of one client may run on different server connections, so Django's server-side
cursors (``QuerySet.iterator()`` outside a transaction declares a ``WITH HOLD`` cursor and
fetches from it in later transactions) must be off (``DISABLE_SERVER_SIDE_CURSORS``), and
server-side binding is off too; asking for it there is refused. (Django leaves psycopg's
``prepare_threshold`` unset, so no named prepared statement is sent either way; binding on the
client keeps it so should that change, since PgBouncer 1.18 cannot carry prepared statements
across server connections.)
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}
DEFAULT_POOL_MIN = 1
DEFAULT_POOL_MAX = 1


def _flag(name: str, raw: str | None, default: bool) -> bool:
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {raw.strip()!r}.")


def _count(name: str, raw: str | None, default: int, least: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw.strip()!r}.") from None
    if value < least:
        raise ImproperlyConfigured(f"{name} must be at least {least}, not {value}.")
    return value


def postgres_settings(
    *,
    pgbouncer: str | None,
    server_binding: str | None,
    pool_min: str | None,
    pool_max: str | None,
    pooled: bool,
) -> dict[str, Any]:
    """The keys of ``DATABASES["default"]`` that depend on how Kajet reaches PostgreSQL:
    ``OPTIONS`` (server-side binding, the pool) and ``DISABLE_SERVER_SIDE_CURSORS``.

    ``pooled`` is False in tests (no pool: live-server threads would hold the test database
    open at teardown); the sizes are still checked then."""
    behind_pgbouncer = _flag("KAJET_DB_PGBOUNCER", pgbouncer, False)
    binding = _flag("KAJET_DB_SERVER_BINDING", server_binding, not behind_pgbouncer)
    if behind_pgbouncer and binding:
        raise ImproperlyConfigured(
            "KAJET_DB_SERVER_BINDING=1 cannot be combined with KAJET_DB_PGBOUNCER=1 "
            "(transaction mode): leave KAJET_DB_SERVER_BINDING unset or 0."
        )
    least = _count("KAJET_DB_POOL_MIN", pool_min, DEFAULT_POOL_MIN, 0)
    most = _count("KAJET_DB_POOL_MAX", pool_max, max(DEFAULT_POOL_MAX, least), 1)
    if least > most:
        raise ImproperlyConfigured(
            f"KAJET_DB_POOL_MIN ({least}) must not exceed KAJET_DB_POOL_MAX ({most})."
        )
    options: dict[str, Any] = {"server_side_binding": binding}
    if pooled:
        options["pool"] = {"min_size": least, "max_size": most}
    return {"OPTIONS": options, "DISABLE_SERVER_SIDE_CURSORS": behind_pgbouncer}


def refuse_pgbouncer_without_postgres(pgbouncer: str | None) -> None:
    """``KAJET_DB_PGBOUNCER=1`` with a SQLite ``DATABASE_URL`` is a mistake, not a no-op."""
    if _flag("KAJET_DB_PGBOUNCER", pgbouncer, False):
        raise ImproperlyConfigured(
            "KAJET_DB_PGBOUNCER=1 needs a PostgreSQL DATABASE_URL (the PgBouncer address)."
        )
