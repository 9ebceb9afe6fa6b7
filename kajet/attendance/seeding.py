"""Demo/benchmark data for attendance (filled in later)."""

from __future__ import annotations

from datetime import date

from kajet.school.seeding import SeededSchool


def seed_school_data(seeded: SeededSchool, *, today: date, scale: str) -> None:
    return None
