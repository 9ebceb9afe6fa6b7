"""Fail fast: a server process checks its configuration when it starts, not at the first
request.

``config/wsgi.py`` and ``config/asgi.py`` call ``start_or_exit``: a settings error (no
``SECRET_KEY`` with ``KAJET_REQUIRE_ENV=1``, a ``DATABASE_URL`` that is not a database URL),
a database that does not answer, or a Redis that does not answer although ``REDIS_URL`` asks
for it, stops the process with ONE line on stderr (``kajet: cannot start: …``) and exit status
3, which gunicorn's master takes as "worker failed to boot" and stops instead of respawning.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

#: gunicorn's WORKER_BOOT_ERROR: the master halts rather than restarting the worker forever.
EXIT_STATUS = 3


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def start_problems() -> list[str]:
    """What stops this process from serving: the database and, when configured, Redis must
    answer. Each problem is one line naming the setting to fix (no passwords)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db.utils import load_backend

    problems = []
    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'local'}:{db.get('PORT') or 'default port'}/{db.get('NAME')}"
    # A connection of its own, outside the pool (a pool would retry for 30 s) and with a
    # short connect timeout on PostgreSQL; closed at once (each worker opens its own).
    options = {k: v for k, v in db.get("OPTIONS", {}).items() if k != "pool"}
    if "postgresql" in db["ENGINE"]:
        options["connect_timeout"] = 5
    probe = load_backend(db["ENGINE"]).DatabaseWrapper({**db, "OPTIONS": options}, "start-check")
    try:
        probe.ensure_connection()
    except Exception as error:  # every driver's error: one line, whatever it is
        problems.append(
            f"the database of DATABASE_URL ({where}) does not answer: {_first_line(error)}"
        )
    finally:
        probe.close()
    if settings.REDIS_URL:
        try:
            cache.set("kajet:start-check", "1", 10)
        except Exception as error:
            problems.append(f"Redis of REDIS_URL does not answer: {_first_line(error)}")
    return problems


def start_or_exit(load: Callable[[], T], *, stderr: TextIO | None = None) -> T:
    """``load()`` (the WSGI/ASGI application), then ``start_problems``; on any problem one
    line on stderr and exit status 3."""
    out = stderr or sys.stderr
    try:
        application = load()
        problems = start_problems()
    except ImproperlyConfigured as error:
        problems = [_first_line(error)]
    if problems:
        out.write(f"kajet: cannot start: {'; '.join(problems)}\n")
        out.flush()
        raise SystemExit(EXIT_STATUS)
    return application
