"""Record addresses that bounced after the SMTP server had accepted the message (a delivery
status notification in the sender's mailbox): their users get no more e-mail until they
confirm an address again. For the operator, across all schools; a school's administrator
does the same for one school on the delivery log page."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django_scopes import scopes_disabled

from kajet.notifications.services import email_bounce_record


class Command(BaseCommand):
    help = "Mark e-mail addresses as undeliverable (arguments, or one per line from --file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addresses", nargs="*", help="e-mail addresses that bounced")
        parser.add_argument(
            "--file", help="a file with one address per line ('-' reads standard input)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        addresses = list(options["addresses"])
        if options["file"]:
            if options["file"] == "-":
                addresses += sys.stdin.read().split()
            else:
                with open(options["file"], encoding="utf-8") as lines:
                    addresses += lines.read().split()
        if not addresses:
            raise CommandError("Give the addresses that bounced, or --file.")
        bad = [a for a in addresses if not _valid(a)]
        if bad:
            # Nothing is marked when any line is not an address (a wrong file, not a bounce list).
            raise CommandError(f"Not e-mail addresses ({len(bad)}): {', '.join(bad[:5])}")
        with scopes_disabled():
            stopped = email_bounce_record(addresses=addresses)
        self.stdout.write(f"{stopped} user(s) will get no more e-mail at these addresses.")


def _valid(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True
