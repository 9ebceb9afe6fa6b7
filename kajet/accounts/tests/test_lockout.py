"""The sign-in lock rule as a table (kajet.accounts.lockout)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kajet.accounts.lockout import LockRule, pair_failures, pair_locked_until, wait_seconds

RULE = LockRule(free=5, delay_seconds=30, max_delay_seconds=900)
T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("failures", "wait"),
    [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (8, 240), (9, 480), (10, 900), (40, 900)],
)
def test_wait_doubles_up_to_the_cap(failures: int, wait: int) -> None:
    assert wait_seconds(failures, RULE) == wait


def test_saturation_is_where_the_wait_stops_growing() -> None:
    assert wait_seconds(RULE.saturation - 1, RULE) == RULE.max_delay_seconds
    assert RULE.saturation == 11


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        (["bad", "bad", "success", "bad"], 2),  # the success ends the run
        (["success", "bad"], 0),
        (["bad"] * 3, 3),
        (["bad", "unlocked", "bad"], 1),
    ],
)
def test_pair_failures_stop_at_a_reset(results: list[str], expected: int) -> None:
    rows = [(T0 - timedelta(minutes=i), r) for i, r in enumerate(results)]
    assert len(pair_failures(rows, reset_results={"success", "unlocked"})) == expected


def test_locked_until_counts_from_the_newest_failure() -> None:
    failures = [T0 - timedelta(seconds=i) for i in range(6)]
    assert pair_locked_until(failures, RULE) == T0 + timedelta(seconds=60)
    assert pair_locked_until(failures[:4], RULE) is None
