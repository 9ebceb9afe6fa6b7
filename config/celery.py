"""Celery application.

In the embedded default (no ``CELERY_BROKER_URL``) tasks run eagerly in process, so
``make run`` needs no broker. In production point ``CELERY_BROKER_URL`` at Redis.

Bad configuration stops ``celery worker`` and ``celery beat`` at start with one line
(``kajet: cannot start: …``, exit status 3; ``kajet/core/startup.py``): the settings are loaded
when the ``celery`` command imports this module, the database and Redis are asked when the
worker or beat starts.
"""

import os
import sys
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kajet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def celery_command() -> bool:
    """This process is the ``celery`` command (not gunicorn, manage.py or pytest)."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    return program.name == "celery" or program.parts[-2:] == ("celery", "__main__.py")


if celery_command():
    from kajet.core.startup import settings_or_exit

    # Before the command reads its options from the settings (a traceback there otherwise).
    settings_or_exit()


@worker_init.connect
@beat_init.connect
def check_on_start(**kwargs: Any) -> None:
    from kajet.core.startup import check_or_exit

    check_or_exit()
