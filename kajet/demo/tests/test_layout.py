"""Demo data lives under kajet/demo only: no domain app holds a seeding module."""

from __future__ import annotations

from pathlib import Path

import kajet

ROOT = Path(kajet.__file__).parent


def test_no_seeding_module_outside_the_demo_app() -> None:
    found = [
        str(path.relative_to(ROOT.parent))
        for path in [*ROOT.glob("*/**/seeding.py"), *ROOT.glob("*/**/seeding/")]
        if path.relative_to(ROOT).parts[0] != "demo"
    ]
    assert found == []


def test_every_seeding_hook_is_a_module_of_the_demo_app() -> None:
    from kajet.demo.hooks import SEED_MODULES

    assert SEED_MODULES
    for name in SEED_MODULES:
        assert name.startswith("kajet.demo.seeding.")
        assert (ROOT / "demo" / "seeding" / f"{name.rsplit('.', 1)[1]}.py").is_file()
