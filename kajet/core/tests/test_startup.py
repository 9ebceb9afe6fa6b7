"""Bad configuration stops a server process at start with one clear line (exit status 3,
gunicorn's "worker failed to boot"), never at the first request. Each case imports the WSGI
application in a subprocess with the environment a production deployment sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from kajet.core.startup import EXIT_STATUS
from kajet.core.tests.test_deploy_settings import production_env, run

IMPORT_WSGI = ["-c", "import config.wsgi"]


def _fails_with_one_line(tmp_path: Path, expected: str, **env: str) -> None:
    environment = production_env(tmp_path, **env)
    for key, value in env.items():
        if value == "":
            del environment[key]
    result = run(IMPORT_WSGI, environment)
    assert result.returncode == EXIT_STATUS, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kajet: cannot start: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_a_good_configuration_starts(tmp_path: Path) -> None:
    result = run(IMPORT_WSGI, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_missing_secret_key(tmp_path: Path) -> None:
    _fails_with_one_line(tmp_path, "SECRET_KEY must be set", SECRET_KEY="")


def test_database_url_that_is_not_one(tmp_path: Path) -> None:
    _fails_with_one_line(
        tmp_path, "DATABASE_URL is not a database URL", DATABASE_URL="postgress://kajet@db/kajet"
    )


def test_database_that_does_not_answer(tmp_path: Path) -> None:
    # Port 1 on loopback: refused at once (nothing listens there).
    _fails_with_one_line(
        tmp_path,
        "the database of DATABASE_URL (127.0.0.1:1/kajet) does not answer",
        DATABASE_URL="postgres://kajet:secret-password@127.0.0.1:1/kajet",
    )


def test_no_password_in_the_line(tmp_path: Path) -> None:
    env = production_env(tmp_path, DATABASE_URL="postgres://kajet:secret-password@127.0.0.1:1/k")
    result = run(IMPORT_WSGI, env)
    assert "secret-password" not in result.stderr


def test_redis_asked_for_but_not_there(tmp_path: Path) -> None:
    _fails_with_one_line(
        tmp_path, "Redis of REDIS_URL does not answer", REDIS_URL="redis://127.0.0.1:1/0"
    )


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_both_entry_points_check(tmp_path: Path, module: str) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run(["-c", f"import {module}"], env)
    assert result.returncode == EXIT_STATUS
