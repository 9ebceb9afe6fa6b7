"""Run the scheduled notification work: retries, what quiet hours held back, daily digests,
absence alerts. ``--loop N`` repeats every N seconds (``make run`` starts it beside the web
server, as Celery beat does in production)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from kajet.notifications.tasks import sweep


class Command(BaseCommand):
    help = "Send due notifications, digests and absence alerts (once, or every --loop seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        every = int(options["loop"])
        while True:
            done = sweep()
            if options["verbosity"] > 1 or not every:
                self.stdout.write(str(done))
            if not every:
                return
            close_old_connections()
            time.sleep(every)
