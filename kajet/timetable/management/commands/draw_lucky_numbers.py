from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from kajet.timetable.services import lucky_numbers_predraw


class Command(BaseCommand):
    help = "Draw the next school day's lucky number for every school that uses it."

    def handle(self, *args: Any, **options: Any) -> None:
        count = lucky_numbers_predraw(today=timezone.localdate())
        self.stdout.write(f"Lucky numbers ready for {count} school(s).")
