"""``manage.py import_register file.xml``: recreate a school year from a register export
(docs/xml/kajet-register-1.xsd) in a database that does not hold the school yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kajet.records.xmlio.importer import RegisterImportError, register_import


class Command(BaseCommand):
    help = "Import a register export (XML) into a database that does not hold the school yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the XML file written by export_register")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = register_import(path=options["file"])
        except RegisterImportError as error:
            raise CommandError(str(error)) from None
        rows = sum(result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.school.name}, school year {result.year.name}: {rows} rows."
            )
        )
