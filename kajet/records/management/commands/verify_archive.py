"""``manage.py verify_archive archiwum.zip``: check a year-end archive (the manifest's XAdES
signature and every file's SHA-256) without uploading it; exit status 1 unless valid."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kajet.records.archive.verify import archive_verify


class Command(BaseCommand):
    help = "Check a year-end archive ZIP: its signature and every file against the manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the archive ZIP")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        if not os.path.isfile(path):
            raise CommandError(f"No such file: {path}")
        with open(path, "rb") as stream:
            report = archive_verify(stream, os.path.getsize(path))
        signature = report.signature
        if signature is not None and signature.subject:
            self.stdout.write(f"signer: {signature.subject} (serial {signature.serial})")
            if signature.signed_at:
                self.stdout.write(f"signed at: {signature.signed_at}")
        if report.info is not None:
            self.stdout.write(f"school: {report.info.school}, year: {report.info.year}")
            self.stdout.write(f"files listed: {len(report.info.files)}")
        files = report.files
        if files is not None:
            for label, names in (
                ("altered", files.altered),
                ("missing", files.missing),
                ("not in the manifest", files.unexpected),
            ):
                for name in names:
                    self.stdout.write(f"{label}: {name}")
        if report.problem:
            self.stdout.write(f"problem: {report.problem}")
        self.stdout.write(f"result: {report.status}")
        if not report.valid:
            raise CommandError(f"The archive is not valid ({report.status}).")
