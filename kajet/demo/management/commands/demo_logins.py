from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from kajet.demo.demo_data import LOGINS_FILE


class Command(BaseCommand):
    help = "Print the address and the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--address", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.VAR_DIR) / LOGINS_FILE
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Kajet: {options['address']}/"))
        if not path.exists():
            self.stdout.write("(no demo logins: run `manage.py seed_demo`)")
            return
        rows = json.loads(path.read_text())
        self.stdout.write(f"Demo logins (password for all: {rows[0]['password']}):")
        for row in rows:
            first = (
                " (new password at the first sign-in)" if row.get("must_change_password") else ""
            )
            self.stdout.write(
                f"  {row['school']:<14} {row['role']:<17} {row['login']:<14} {row['name']}{first}"
            )
        self.stdout.write("")
