"""Lint rule: every message of the Polish catalogues is translated and the compiled .mo files
match the .po files. ``--compile`` (used by `make messages`) writes the .mo files (pure
Python, no GNU gettext needed).

The catalogues are the project's (``LOCALE_PATHS``) and each app's own ``locale/`` folder
(Django finds those for installed apps; `makemessages` writes an app's strings there once the
folder exists), so a new module can keep its strings beside its code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

REQUIRED_COMPLETE = {"pl"}


class Command(BaseCommand):
    help = "Check (or compile) the translation catalogues."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compile", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        for base in catalogue_dirs():
            for po_path in sorted(Path(base).glob("*/LC_MESSAGES/django.po")):
                lang = po_path.parent.parent.name
                po = polib.pofile(str(po_path))
                mo_path = po_path.with_suffix(".mo")
                if lang in REQUIRED_COMPLETE:
                    missing = [e.msgid for e in po.untranslated_entries()]
                    fuzzy = [e.msgid for e in po.fuzzy_entries()]
                    problems += [f"{lang}: untranslated: {m!r}" for m in missing]
                    problems += [f"{lang}: fuzzy: {m!r}" for m in fuzzy]
                if options["compile"]:
                    po.save_as_mofile(str(mo_path))
                    continue
                if not mo_path.exists():
                    problems.append(f"{lang}: {mo_path} missing (run `make messages`)")
                    continue
                compiled = {
                    (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
                    for e in polib.mofile(str(mo_path))
                }
                for entry in po.translated_entries():
                    key = (entry.msgctxt, entry.msgid)
                    if key not in compiled:
                        problems.append(f"{lang}: {mo_path.name} is stale (run `make messages`)")
                        break
        if problems:
            raise CommandError("\n".join(problems[:50]) + f"\n({len(problems)} problems)")
        self.stdout.write("Translations: OK")


def catalogue_dirs() -> list[Path]:
    """The project's locale folders, then every app's own ``kajet/<app>/locale``."""
    project = [Path(p) for p in settings.LOCALE_PATHS]
    apps = sorted((Path(settings.BASE_DIR) / "kajet").glob("*/locale"))
    return project + [p for p in apps if p not in project]
