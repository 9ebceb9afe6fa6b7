"""Split the untranslated entries of a .po file into JSON chunks for translators, and merge
translated chunks back.

    python scripts/po_chunks.py export kajet/locale/pl/LC_MESSAGES/django.po OUTDIR --size 150
    python scripts/po_chunks.py import kajet/locale/pl/LC_MESSAGES/django.po OUTDIR/*.json

A chunk is a JSON list of {"msgid", "msgid_plural", "context", "where", "msgstr",
"msgstr_plural"}; translators fill "msgstr" (and for plurals "msgstr_plural": {"0": …, "1": …,
"2": …, "3": …} — Polish has four forms).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib


def export(po_path: str, outdir: str, size: int) -> None:
    po = polib.pofile(po_path)
    todo = [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for n in range(0, len(todo), size):
        chunk = [
            {
                "msgid": e.msgid,
                "msgid_plural": e.msgid_plural,
                "context": e.msgctxt,
                "where": [f"{f}:{line}" for f, line in e.occurrences][:3],
                "msgstr": "",
                "msgstr_plural": {} if not e.msgid_plural else {"0": "", "1": "", "2": "", "3": ""},
            }
            for e in todo[n : n + size]
        ]
        (out / f"chunk-{n // size:02d}.json").write_text(
            json.dumps(chunk, ensure_ascii=False, indent=1)
        )
    print(f"{len(todo)} entries in {(len(todo) + size - 1) // size} chunks")


def merge(po_path: str, files: list[str]) -> None:
    po = polib.pofile(po_path)
    index = {(e.msgctxt, e.msgid): e for e in po}
    done = 0
    for name in files:
        for item in json.loads(Path(name).read_text()):
            entry = index.get((item.get("context"), item["msgid"]))
            if entry is None:
                continue
            if entry.msgid_plural:
                plural = {int(k): v for k, v in item.get("msgstr_plural", {}).items() if v}
                if plural:
                    entry.msgstr_plural = plural
                    done += 1
            elif item.get("msgstr"):
                entry.msgstr = item["msgstr"]
                done += 1
            if "fuzzy" in entry.flags and (entry.msgstr or entry.msgstr_plural):
                entry.flags.remove("fuzzy")
    po.save(po_path)
    print(f"merged {done} translations")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "export":
        size = int(sys.argv[sys.argv.index("--size") + 1]) if "--size" in sys.argv else 150
        export(sys.argv[2], sys.argv[3], size)
    elif command == "import":
        merge(sys.argv[2], sys.argv[3:])
    else:
        raise SystemExit(__doc__)
