"""``manage.py export_register --school ID --year 2026/2027 > file.xml``: the register of a
school year as XML (docs/xml/kajet-register-1.xsd), written as it is read."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from kajet.core.models import School
from kajet.records.xmlio.export import register_chunks
from kajet.school.models import SchoolYear


class Command(BaseCommand):
    help = "Export the register of a school year as XML (docs/xml/kajet-register-1.xsd)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", type=int, required=True, help="the school's id")
        parser.add_argument("--year", required=True, help="the school year's name, e.g. 2026/2027")
        parser.add_argument("--output", help="write to this file instead of the standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(pk=options["school"]).first()
        if school is None:
            raise CommandError(f"There is no school with id {options['school']}.")
        with scope(school=school):
            year = SchoolYear.objects.filter(name=options["year"]).first()
        if year is None:
            raise CommandError(f"The school has no school year {options['year']!r}.")
        chunks = register_chunks(school=school, year=year)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.writelines(chunks)
            return
        for chunk in chunks:
            self.stdout.write(chunk, ending="")
