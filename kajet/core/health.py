"""What ``/healthz`` checks: the database and, when Kajet is configured with it, Redis.

Each check answers ``"ok"`` or ``"error"`` (never the reason: the answer is public; the reason
goes to the log). The database is asked through the connection the pages use (the pool in
production), Redis through the cache the pages use, so a green answer means a page can be
served.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: the database does not answer")
        return False


def redis_ok() -> bool:
    try:
        cache.set("kajet:healthz", "1", 30)
        return cache.get("kajet:healthz") == "1"
    except Exception:
        logger.exception("health check: Redis does not answer")
        return False


def health() -> dict[str, str]:
    """``{"database": "ok", "redis": "ok"}``; ``redis`` only when ``REDIS_URL`` is set."""
    checks = {"database": "ok" if database_ok() else "error"}
    if settings.REDIS_URL:
        checks["redis"] = "ok" if redis_ok() else "error"
    return checks
