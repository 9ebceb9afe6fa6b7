"""Every environment variable config/settings.py reads is documented in deploy/README.md's
table and listed in deploy/kajet.env.example, and nothing else is."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READ = re.compile(r'(?:os\.environ\.get|env_bool|env_list)\(\s*"([A-Z][A-Z0-9_]*)"')


def read_by_settings() -> set[str]:
    return set(READ.findall((ROOT / "config" / "settings.py").read_text()))


def in_table() -> set[str]:
    text = (ROOT / "deploy" / "README.md").read_text()
    table = text[text.index("## 9. Environment variables") :]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, flags=re.MULTILINE))


def in_example() -> set[str]:
    text = (ROOT / "deploy" / "kajet.env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_settings_read_the_variables_this_test_expects() -> None:
    found = read_by_settings()
    # The pattern finds calls spread over lines too (a regression would empty the set).
    assert {"SECRET_KEY", "DATABASE_URL", "KAJET_VAPID_PRIVATE_KEY_FILE"} <= found
    assert len(found) > 50


def test_the_table_lists_exactly_the_variables_settings_read() -> None:
    assert in_table() == read_by_settings()


def test_the_example_lists_exactly_the_variables_settings_read() -> None:
    assert in_example() == read_by_settings()
