from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.core.bulk import refresh_planner_statistics
from kajet.core.models import School
from kajet.demo.demo_data import seed_demo, write_logins


class Command(BaseCommand):
    help = "Create the demo schools (deterministic) and write var/demo-logins.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if a school exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with scopes_disabled():
            if options["if_empty"] and School.objects.exists():
                self.stdout.write("Database already has schools; demo data not loaded again.")
                return
            logins = seed_demo(timezone.localdate())
            refresh_planner_statistics()
        path = write_logins(logins)
        self.stdout.write(self.style.SUCCESS(f"Demo schools created; logins in {path}"))
