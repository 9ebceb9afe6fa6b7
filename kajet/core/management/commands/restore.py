"""``manage.py restore FILE``: restore a backup into an empty instance of the same database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kajet.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by manage.py backup into an empty instance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.gz written by manage.py backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["archive"])
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        try:
            done = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {done.tables} tables ({done.rows} rows, every count as in the backup), "
            f"{done.media_files} uploaded files"
            + (f", keys: {', '.join(done.keys)}" if done.keys else "")
            + ". Restart Kajet's processes so they read the restored keys."
        )
