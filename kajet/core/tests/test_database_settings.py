"""config/database.py: PostgreSQL connection settings from the environment, as a table; and the
fail-fast start when a combination is refused (a subprocess importing the WSGI application)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.database import postgres_settings, refuse_pgbouncer_without_postgres
from kajet.core.startup import EXIT_STATUS
from kajet.core.tests.test_deploy_settings import production_env, run

POOL_1 = {"min_size": 1, "max_size": 1}


@pytest.mark.parametrize(
    ("env", "pooled", "expected"),
    [
        # Direct to PostgreSQL: server-side binding on (ADR 4), one connection per process.
        ({}, True, {"OPTIONS": {"server_side_binding": True, "pool": POOL_1}, "DSSC": False}),
        ({}, False, {"OPTIONS": {"server_side_binding": True}, "DSSC": False}),
        (
            {"server_binding": "0"},
            True,
            {"OPTIONS": {"server_side_binding": False, "pool": POOL_1}, "DSSC": False},
        ),
        # Threaded servers: the maximum as given; a minimum above 1 lifts the default maximum.
        (
            {"pool_min": "2", "pool_max": "8"},
            True,
            {"OPTIONS": {"server_side_binding": True, "pool": {"min_size": 2, "max_size": 8}}},
        ),
        (
            {"pool_min": "3"},
            True,
            {"OPTIONS": {"server_side_binding": True, "pool": {"min_size": 3, "max_size": 3}}},
        ),
        (
            {"pool_min": "0", "pool_max": " 2 "},
            True,
            {"OPTIONS": {"server_side_binding": True, "pool": {"min_size": 0, "max_size": 2}}},
        ),
        # Behind PgBouncer (transaction mode): no server-side cursors, no server-side binding.
        (
            {"pgbouncer": "1"},
            True,
            {"OPTIONS": {"server_side_binding": False, "pool": POOL_1}, "DSSC": True},
        ),
        (
            {"pgbouncer": "yes", "server_binding": "0"},
            False,
            {"OPTIONS": {"server_side_binding": False}, "DSSC": True},
        ),
        ({"pgbouncer": "0"}, False, {"OPTIONS": {"server_side_binding": True}, "DSSC": False}),
        ({"pgbouncer": ""}, False, {"OPTIONS": {"server_side_binding": True}, "DSSC": False}),
    ],
)
def test_postgres_settings(env: dict[str, str], pooled: bool, expected: dict[str, Any]) -> None:
    given: dict[str, str | None] = {
        "pgbouncer": None,
        "server_binding": None,
        "pool_min": None,
        "pool_max": None,
    }
    given.update(env)
    got = postgres_settings(**given, pooled=pooled)
    assert got["OPTIONS"] == expected["OPTIONS"]
    assert got["DISABLE_SERVER_SIDE_CURSORS"] is expected.get("DSSC", False)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"pgbouncer": "1", "server_binding": "1"}, "cannot be combined with KAJET_DB_PGBOUNCER"),
        ({"pgbouncer": "on", "server_binding": "true"}, "cannot be combined"),
        ({"pool_min": "4", "pool_max": "2"}, "KAJET_DB_POOL_MIN (4) must not exceed"),
        ({"pool_max": "0"}, "KAJET_DB_POOL_MAX must be at least 1, not 0"),
        ({"pool_min": "-1"}, "KAJET_DB_POOL_MIN must be at least 0"),
        ({"pool_max": "ten"}, "KAJET_DB_POOL_MAX must be a whole number, not 'ten'"),
        ({"pgbouncer": "maybe"}, "KAJET_DB_PGBOUNCER must be 1 or 0, not 'maybe'"),
        ({"server_binding": "2"}, "KAJET_DB_SERVER_BINDING must be 1 or 0"),
    ],
)
def test_refused_combinations(env: dict[str, str], message: str) -> None:
    given: dict[str, str | None] = {
        "pgbouncer": None,
        "server_binding": None,
        "pool_min": None,
        "pool_max": None,
    }
    given.update(env)
    with pytest.raises(ImproperlyConfigured) as raised:
        postgres_settings(**given, pooled=True)
    assert message in str(raised.value)


def test_pgbouncer_needs_postgres() -> None:
    refuse_pgbouncer_without_postgres(None)
    refuse_pgbouncer_without_postgres("0")
    with pytest.raises(ImproperlyConfigured, match="needs a PostgreSQL DATABASE_URL"):
        refuse_pgbouncer_without_postgres("1")


def _start(tmp_path: Path, **extra: str) -> tuple[int, list[str]]:
    result = run(["-c", "import config.wsgi"], production_env(tmp_path, **extra))
    return result.returncode, [line for line in result.stderr.splitlines() if line.strip()]


def test_a_refused_combination_stops_the_start_with_one_line(tmp_path: Path) -> None:
    # Settings are checked before any connection: the PostgreSQL address need not answer.
    status, lines = _start(
        tmp_path,
        DATABASE_URL="postgres://kajet@127.0.0.1:1/kajet",
        KAJET_DB_PGBOUNCER="1",
        KAJET_DB_SERVER_BINDING="1",
    )
    assert status == EXIT_STATUS
    assert len(lines) == 1
    assert lines[0].startswith("kajet: cannot start: KAJET_DB_SERVER_BINDING=1 cannot be")


def test_pgbouncer_with_sqlite_stops_the_start(tmp_path: Path) -> None:
    status, lines = _start(tmp_path, KAJET_DB_PGBOUNCER="1")
    assert status == EXIT_STATUS
    assert lines == [
        "kajet: cannot start: KAJET_DB_PGBOUNCER=1 needs a PostgreSQL DATABASE_URL "
        "(the PgBouncer address)."
    ]
