"""Celery application.

In the embedded default (no ``CELERY_BROKER_URL``) tasks run eagerly in process, so
``make run`` needs no broker. In production point ``CELERY_BROKER_URL`` at Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kajet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
