"""`manage.py retention [--dry-run]`: delete (or with --dry-run only count) what is past its
retention period; students who left are only reported. See kajet/audit/retention.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kajet.audit.retention import retention_run


class Command(BaseCommand):
    help = (
        "Purge sign-in attempts, ended sessions, delivery logs and access logs past their period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be deleted"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        for line in retention_run(dry_run=dry_run):
            if line.purged:
                verb = "deleted"
            elif dry_run and line.key != "left_students":
                verb = "would delete"
            else:
                verb = "to review (not deleted)"
            self.stdout.write(f"{line.key}: {line.count} {verb} (older than {line.days} days)")
