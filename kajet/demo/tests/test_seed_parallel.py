"""ADR 13: bench schools seeded by several worker processes hold the same rows as schools
seeded one by one (only the ids differ), and a bench school's data does not depend on the ids
the database hands out."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from kajet.demo.management.commands.seed_bench import SIZES, BenchSize, seed_bench
from kajet.demo.seeding.school import dataset_keys
from kajet.demo.tests.dataset_rows import dataset_rows, differences

TODAY = datetime.date(2026, 11, 16)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel seeding is PostgreSQL's"
)


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_dataset_keys_number_rows_as_a_serial_seed_of_a_fresh_database() -> None:
    assert dataset_keys(None, [7, 9]) == {}
    assert dataset_keys(1, [7, 9]) == {7: 1, 9: 2}
    # School 3 of a dataset with two rows a school: its rows would be the 5th and 6th.
    assert dataset_keys(3, [40, 12]) == {40: 5, 12: 6}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_seed_the_same_rows_as_one_process(
    monkeypatch: pytest.MonkeyPatch, var_dir: Path
) -> None:
    # Three small schools, so that two workers interleave their inserts.
    monkeypatch.setitem(SIZES, "xs", BenchSize(3, 24, ("8a", "4a"), 8))
    seeds = []
    for jobs in (1, 2):
        call_command("flush", interactive=False, verbosity=0)
        logins, _times = seed_bench("xs", today=TODAY, jobs=jobs)
        seeds.append((logins, dataset_rows()))
    (serial_logins, serial), (parallel_logins, parallel) = seeds
    assert sum(serial["attendance.attendancemark"].values()) > 1000
    assert sum(serial["core.school"].values()) == 3
    assert differences(serial, parallel) == {}
    assert serial_logins == parallel_logins


@pytest.mark.django_db
def test_sqlite_seeds_with_one_job(var_dir: Path) -> None:
    out = io.StringIO()
    call_command("seed_bench", size="xs", today=TODAY, jobs=2, stdout=out)
    if connection.vendor == "sqlite":
        assert "one job" in out.getvalue()
    assert "created in" in out.getvalue()
