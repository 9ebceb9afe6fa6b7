"""Bad configuration stops a server process at start with one clear line (exit status 3,
gunicorn's "worker failed to boot"), never at the first request. Each case imports the WSGI
application in a subprocess with the environment a production deployment sets."""

from __future__ import annotations

import subprocess
import sys
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


# --- manage.py and Celery: the same one line -----------------------------------------------------

MANAGE_CHECK = ["manage.py", "check"]
CELERY = str(Path(sys.executable).parent / "celery")


def _one_line(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == EXIT_STATUS, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("kajet: cannot start: "), result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": "postgress://kajet@db/kajet"}, "DATABASE_URL is not a database URL"),
        ({"KAJET_REQUIRE_REDIS": "1"}, "KAJET_REQUIRE_REDIS=1 needs REDIS_URL and CELERY_BROKER"),
        (
            {"KAJET_REQUIRE_REDIS": "1", "REDIS_URL": "redis://127.0.0.1:6379/0"},
            "KAJET_REQUIRE_REDIS=1 needs REDIS_URL and CELERY_BROKER_URL",
        ),
    ],
    ids=["no-secret-key", "bad-database-url", "no-redis", "no-broker"],
)
def test_manage_py_stops_with_one_line(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    environment = production_env(tmp_path, **env)
    environment = {key: value for key, value in environment.items() if value != ""}
    _one_line(run(MANAGE_CHECK, environment), expected)


def test_manage_py_with_redis_asked_for_and_set_starts(tmp_path: Path) -> None:
    env = production_env(
        tmp_path,
        KAJET_REQUIRE_REDIS="1",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/1",
    )
    result = run(MANAGE_CHECK, env)
    assert result.returncode == 0, result.stderr


def test_manage_py_database_that_does_not_answer(tmp_path: Path) -> None:
    # KAJET_TESTING keeps the connection pool off: the refusal is immediate (with the pool,
    # psycopg's pool retries for its timeout first and then the same line is printed).
    env = production_env(
        tmp_path,
        DATABASE_URL="postgres://kajet:secret-password@127.0.0.1:1/kajet",
        KAJET_TESTING="1",
    )
    result = run(["manage.py", "migrate", "--noinput"], env)
    _one_line(result, "the database of DATABASE_URL (127.0.0.1:1/kajet) does not answer")
    assert "secret-password" not in result.stderr


def celery(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    # CI runs as root, for which Celery warns on stderr (systemd runs it as the kajet user).
    env = {**env, "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges"}
    return subprocess.run(
        [CELERY, "-A", "config", *args],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_celery_worker_without_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    del env["SECRET_KEY"]
    _one_line(celery(["worker"], env, tmp_path), "SECRET_KEY must be set")


def test_celery_worker_broker_that_does_not_answer(tmp_path: Path) -> None:
    env = production_env(tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    _one_line(
        celery(["worker"], env, tmp_path),
        "Redis of CELERY_BROKER_URL does not answer",
    )


def test_celery_beat_database_that_does_not_answer(tmp_path: Path) -> None:
    env = production_env(
        tmp_path,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/13",
        DATABASE_URL="postgres://kajet@127.0.0.1:1/kajet",
    )
    schedule = str(tmp_path / "beat-schedule")
    _one_line(
        celery(["beat", "-s", schedule], env, tmp_path),
        "the database of DATABASE_URL (127.0.0.1:1/kajet) does not answer",
    )
