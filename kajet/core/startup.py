"""Fail fast: a process checks its configuration when it starts, not at the first request.

``config/wsgi.py`` and ``config/asgi.py`` call ``start_or_exit``; ``config/celery.py`` runs
``check_or_exit`` when a Celery worker or beat starts; ``manage.py`` loads the settings with
``settings_or_exit`` and turns a database that cannot be reached into the same line. A settings
error (no ``SECRET_KEY`` with ``KAJET_REQUIRE_ENV=1``, a ``DATABASE_URL`` that is not a
database URL, ``KAJET_REQUIRE_REDIS=1`` without ``REDIS_URL``/``CELERY_BROKER_URL``), a
database that does not answer, or a Redis that does not answer although ``REDIS_URL`` or
``CELERY_BROKER_URL`` names it, stops the process with ONE line on stderr
(``kajet: cannot start: …``) and exit status 3, which gunicorn's master takes as "worker failed
to boot" and stops instead of respawning.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn, TextIO, TypeVar

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
    # A connection of its own, outside the pool (a pool would retry for 30 s) and with a
    # short connect timeout on PostgreSQL; closed at once (each worker opens its own).
    options = {k: v for k, v in db.get("OPTIONS", {}).items() if k != "pool"}
    if "postgresql" in db["ENGINE"]:
        options["connect_timeout"] = 5
    probe = load_backend(db["ENGINE"]).DatabaseWrapper({**db, "OPTIONS": options}, "start-check")
    try:
        probe.ensure_connection()
    except Exception as error:  # every driver's error: one line, whatever it is
        problems.append(database_problem(error))
    finally:
        probe.close()
    if settings.REDIS_URL:
        try:
            cache.set("kajet:start-check", "1", 10)
        except Exception as error:
            problems.append(f"Redis of REDIS_URL does not answer: {_first_line(error)}")
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        problem = broker_problem(broker)
        if problem:
            problems.append(problem)
    return problems


def database_problem(error: BaseException) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'local'}:{db.get('PORT') or 'default port'}/{db.get('NAME')}"
    return f"the database of DATABASE_URL ({where}) does not answer: {_first_line(error)}"


def broker_problem(url: str) -> str | None:
    """The Celery broker (Redis) answers a PING within 5 s; else the problem's line."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except Exception as error:
        return f"Redis of CELERY_BROKER_URL does not answer: {_first_line(error)}"
    finally:
        client.close()
    return None


def exit_with(problems: list[str], stderr: TextIO | None = None) -> NoReturn:
    # The real stderr: Celery has replaced sys.stderr with a logger by the time beat starts.
    out = stderr or sys.__stderr__ or sys.stderr
    out.write(f"kajet: cannot start: {'; '.join(problems)}\n")
    out.flush()
    raise SystemExit(EXIT_STATUS)


def settings_or_exit() -> None:
    """Load the settings; a configuration error is one line and exit status 3."""
    from django.conf import settings

    try:
        settings.SECRET_KEY  # noqa: B018 - reading one setting loads them all
    except ImproperlyConfigured as error:
        exit_with([_first_line(error)])


def check_or_exit() -> None:
    """The settings, then what ``start_problems`` checks (Celery worker and beat)."""
    settings_or_exit()
    problems = start_problems()
    if problems:
        exit_with(problems)


def start_or_exit(load: Callable[[], T], *, stderr: TextIO | None = None) -> T:
    """``load()`` (the WSGI/ASGI application), then ``start_problems``; on any problem one
    line on stderr and exit status 3."""
    try:
        application = load()
        problems = start_problems()
    except ImproperlyConfigured as error:
        problems = [_first_line(error)]
    if problems:
        exit_with(problems, stderr)
    return application
