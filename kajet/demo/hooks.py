"""Each module adds its own demo/benchmark data through a module of ``kajet.demo.seeding``
(named after the app) exposing
``seed_school_data(seeded: SeededSchool, *, today: date, scale: str) -> None``.

``scale`` is "demo" for seed_demo and xs/s/m/l for seed_bench. Modules run in this order
(later modules may read what earlier ones created, e.g. attendance reads the timetable).
"""

from __future__ import annotations

import datetime
import importlib
import time

from kajet.demo.seeding.school import SeededSchool

SEED_MODULES = [
    "kajet.demo.seeding.timetable",
    "kajet.demo.seeding.grades",
    "kajet.demo.seeding.messaging",
    "kajet.demo.seeding.homework",
    "kajet.demo.seeding.noticeboard",
    "kajet.demo.seeding.attendance",
    "kajet.demo.seeding.remarks",
    "kajet.demo.seeding.polls",
    "kajet.demo.seeding.meetings",
]


def run_data_hooks(
    seeded: SeededSchool,
    *,
    today: datetime.date,
    scale: str,
    timings: dict[str, float] | None = None,
) -> None:
    """Run every module's hook; ``timings`` (when given) accumulates seconds per module."""
    for name in SEED_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        started = time.perf_counter()
        module.seed_school_data(seeded, today=today, scale=scale)
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
