"""Print the register export's XML Schema (docs/xml/kajet-register-1.xsd is its output)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kajet.records.xmlio.xsd import schema_text


class Command(BaseCommand):
    help = "Print the XML Schema of the register export (docs/xml/kajet-register-1.xsd)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(schema_text(), ending="")
