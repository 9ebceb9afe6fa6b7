"""Delete portal registrations not activated in time (cron or `make run`'s scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kajet.portal.services import portal_purge_unactivated


class Command(BaseCommand):
    help = "Delete Kajet account registrations not activated within the activation period."

    def handle(self, *args: Any, **options: Any) -> None:
        count = portal_purge_unactivated()
        self.stdout.write(f"purged {count}")
