"""bench/peak.py's pure parts: the mix, the shares of the wrk threads, wrk's report line, the
stopping rule, and bench/topology.py's CPU accounting (no server, nothing timed)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import peak  # noqa: E402
import topology  # noqa: E402

FAMILY = sum(peak.FAMILY_VISIT.values())  # requests per family visit (2.6)
TEACHER = sum(peak.TEACHER_LESSON.values())  # requests per lesson (4.2)


@pytest.mark.parametrize(
    ("visits", "kind", "share"),
    [
        (10, "home", 10 / (10 * FAMILY + TEACHER)),
        (10, "attendance_save", 1 / (10 * FAMILY + TEACHER)),
        (10, "signin", (10 * 0.3 + 0.1) / (10 * FAMILY + TEACHER)),
        (0, "attendance_save", 1 / TEACHER),
        (0, "lesson", 2 / TEACHER),
        (1, "today", 1 / (FAMILY + TEACHER)),
    ],
)
def test_mix_weights(visits: float, kind: str, share: float) -> None:
    weights = peak.mix_weights(visits)
    assert weights[kind] == pytest.approx(share)
    assert sum(weights.values()) == pytest.approx(1.0)


def test_mix_without_families_has_no_family_pages() -> None:
    weights = peak.mix_weights(0)
    assert set(weights) == {"signin", "today", "lesson", "attendance_save", "column_save"}


@pytest.mark.parametrize(
    ("family", "teacher", "message"),
    [({}, {}, "no requests"), ({"home": 1.0}, {}, None)],
)
def test_mix_weights_refuses_an_empty_mix(
    family: dict[str, float], teacher: dict[str, float], message: str | None
) -> None:
    if message is None:
        assert peak.mix_weights(1, family=family, teacher=teacher) == {"home": 1.0}
    else:
        with pytest.raises(ValueError, match=message):
            peak.mix_weights(1, family=family, teacher=teacher)


def test_mix_refuses_negative_visits() -> None:
    with pytest.raises(ValueError):
        peak.mix_weights(-1)


@pytest.mark.parametrize(("visits", "requests"), [(0, TEACHER), (10, 10 * FAMILY + TEACHER)])
def test_requests_per_lesson(visits: float, requests: float) -> None:
    assert peak.requests_per_lesson(visits) == pytest.approx(requests)


def test_weights_arg_is_what_the_lua_script_parses() -> None:
    assert peak.weights_arg({"home": 0.75, "inbox": 0.25}) == "home=0.750000,inbox=0.250000"


@pytest.mark.parametrize(
    ("items", "threads", "shares"),
    [
        ([1, 2, 3, 4, 5], 2, [[1, 3, 5], [2, 4]]),
        ([1, 2], 3, [[1], [2], []]),
        ([], 2, [[], []]),
    ],
)
def test_thread_shares_send_each_item_once(
    items: list[int], threads: int, shares: list[list[int]]
) -> None:
    assert peak.thread_shares(items, threads) == shares


@pytest.mark.parametrize(
    ("rows", "count", "out"),
    [
        ({1: ["a1", "a2", "a3"], 2: ["b1"]}, 3, ["a1", "b1", "a2"]),
        ({2: ["b1", "b2"], 1: ["a1"]}, 10, ["a1", "b1", "b2"]),
        ({1: []}, 2, []),
    ],
)
def test_spread_takes_every_school_in_turn(
    rows: dict[int, list[str]], count: int, out: list[str]
) -> None:
    assert peak.spread(rows, count) == out


LINE = (
    "noise\nKAJET-PEAK requests=1200 duration_us=20000000 p50_us=41000 p95_us=180500 "
    "p99_us=260000 errors=1 bad_4xx=2 bad_5xx=3 signed_out=4 starved=5 ok_signin=90 "
    "ok_attendance=30 ok_column=2 sent=signin:50/40,home:300/310,attendance_save:16/15,"
    "column_save:1/1\n"
)


def test_parse_peak_line() -> None:
    step = peak.Step(workers=4, connections=8)
    peak.parse_peak_line(LINE, step)
    assert (step.requests, step.seconds, step.rps) == (1200, 20.0, 60.0)
    assert (step.p50_ms, step.p95_ms, step.p99_ms) == (41.0, 180.5, 260.0)
    assert (step.errors, step.bad_4xx, step.bad_5xx, step.signed_out) == (1, 2, 3, 4)
    assert step.starved == 5
    assert step.ok == {"signin": 90, "attendance_save": 30, "column_save": 2}
    assert step.sent["attendance_save"] == [16, 15]
    assert step.sent["home"] == [300, 310]
    assert step.failures == 10


def test_parse_peak_line_refuses_other_output() -> None:
    with pytest.raises(peak.run.BenchError):
        peak.parse_peak_line("Running 10s test @ http://127.0.0.1:8300/", peak.Step(4, 8))


@pytest.mark.parametrize(
    ("p95", "errors", "announced", "under"),
    [
        (150.0, 0, 302, True),
        (200.0, 0, 302, True),
        (200.1, 0, 302, False),
        (50.0, 1, 302, False),
        (50.0, 0, 400, False),  # the announcement failed
    ],
)
def test_a_step_is_under_the_knee(p95: float, errors: int, announced: int, under: bool) -> None:
    step = peak.Step(4, 8, p95_ms=p95, bad_5xx=errors)
    step.announcement = peak.Announcement(school_id=1, guardians=10, status=announced)
    assert step.under_limit is under


@pytest.mark.parametrize(
    ("before", "after", "used"),
    [
        ({1: 1.0, 2: 5.0}, {1: 3.0, 2: 5.5}, 2.5),
        ({1: 1.0}, {1: 1.5, 7: 0.25}, 0.75),  # a process started in between counts whole
        ({1: 1.0, 9: 4.0}, {1: 2.0}, 1.0),  # one that ended is lost (documented)
    ],
)
def test_cpu_used(before: dict[int, float], after: dict[int, float], used: float) -> None:
    assert topology.cpu_used(before, after) == pytest.approx(used)


def test_proc_stat_reads_this_process() -> None:
    stat = topology.proc_stat(os.getpid())
    assert stat is not None
    parent, seconds = stat
    assert parent == os.getppid()
    assert seconds > 0
    assert os.getpid() in topology.process_tree(os.getppid())


def test_cpu_split_other_is_what_is_left() -> None:
    split = topology.CpuSplit(
        seconds=10, gunicorn=8, postgres=3, redis=1, celery=1, wrk=2, machine=19
    )
    assert split.server == 12
    assert split.other == 4
