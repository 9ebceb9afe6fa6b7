"""The operator publishes a new version of the terms of service (read from a UTF-8 file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kajet.portal.services import terms_current, terms_publish


class Command(BaseCommand):
    help = "Publish a new version of the Kajet account terms, or show the one in force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="UTF-8 text of the new terms")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"]:
            current = terms_current()
            self.stdout.write(f"version {current.version}" if current else "no terms published")
            return
        text = Path(options["file"]).read_text(encoding="utf-8")
        if not text.strip():
            raise CommandError("the file is empty")
        terms = terms_publish(text=text)
        self.stdout.write(f"published version {terms.version}")
