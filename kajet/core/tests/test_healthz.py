"""``/healthz``: 200 with every check "ok", 503 naming the check that failed — the database
through the connection the pages use, Redis (only when configured) through the cache. The
failures are real: a Redis port nothing listens on, a database that refuses connections."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kajet.core.tests.test_deploy_settings import production_env, run

pytestmark = pytest.mark.django_db


def redis_cache(url: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


def redis_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def test_without_redis_only_the_database_is_checked(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert len(queries) == 1


# Skipped only on a developer's machine without Redis: .ci/run starts Redis, and with CI=true
# the test runs (and fails) whether or not it answers.
@pytest.mark.skipif(
    not redis_running() and os.environ.get("CI", "").lower() != "true",
    reason="no Redis on 127.0.0.1:6379",
)
def test_with_redis_both_are_checked(client: Client, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:6379/14"
    settings.CACHES = redis_cache(settings.REDIS_URL)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_redis_that_does_not_answer_is_503(client: Client, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CACHES = redis_cache(settings.REDIS_URL)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}


def test_only_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


HEALTHZ = """
import django
django.setup()
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="kajet.example.org", secure=True)
print(response.status_code, response.content.decode())
"""


def test_database_that_does_not_answer_is_503(tmp_path: Path) -> None:
    # A real process with a PostgreSQL URL on a port nothing listens on (refused at once).
    env = production_env(
        tmp_path, DATABASE_URL="postgres://kajet@127.0.0.1:1/kajet", KAJET_TESTING="1"
    )
    result = run(["-c", HEALTHZ], env)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "error", "database": "error"}
    assert "Traceback" in result.stderr  # the reason is logged, not answered
