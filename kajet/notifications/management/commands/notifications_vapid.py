"""Write a VAPID private key for Web Push to KAJET_VAPID_PRIVATE_KEY_FILE when there is none
(``make run`` calls this; production passes KAJET_VAPID_PRIVATE_KEY instead)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kajet.notifications.push import generate_private_key_pem


class Command(BaseCommand):
    help = "Generate the VAPID key for Web Push into var/ when it is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.KAJET_VAPID_PRIVATE_KEY:
            return
        path = Path(settings.KAJET_VAPID_PRIVATE_KEY_FILE)
        if path.exists():
            return
        path.write_bytes(generate_private_key_pem())
        path.chmod(0o600)
        self.stdout.write(f"VAPID key written to {path}")
