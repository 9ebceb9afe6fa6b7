"""Kajet's production topology for a benchmark, and the CPU time of its parts.

``scripts/prod_test.py`` (``make prod-test``) starts the topology to check it; this module reuses
its process handling (:class:`prod_test.Topology`: each process in its own process group, logs
in the work directory, stopped on exit) and its production environment, and changes what a
benchmark needs changed:

* the database and one Redis database number are the caller's (cache, sessions, rate limits
  and the Celery broker share it: their keys do not collide);
* gunicorn runs ``config.wsgi`` with as many sync workers as asked, without an access log file
  (the prod test keeps one for its checks; nginx keeps it in production);
* the write rate limits keep counting on every request, with ceilings a benchmark's few
  hundred users cannot reach (as ``bench/run.py`` does); the sign-in throttle, the delivery
  lease and the sweep keep their production defaults.

CPU time is read from ``/proc/<pid>/stat`` (utime + stime of every thread of the process) for
whole process trees (gunicorn's master and workers; Celery's worker and its pool; beat), for the
PostgreSQL backends serving the benchmark's database plus the server's own writer processes,
and for the Redis server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import prod_test  # noqa: E402  (scripts/prod_test.py: the topology of make prod-test)

#: Sent by wrk and by the Python client as nginx would (the prod test's values).
PROXY_HOST = prod_test.HOST
CLIENT_ADDRESS = prod_test.CLIENT_ADDRESS
TICKS = os.sysconf("SC_CLK_TCK")
#: PostgreSQL processes that work for every database (WAL, checkpoints, buffers, vacuum).
PG_SHARED = {"checkpointer", "background writer", "walwriter", "autovacuum launcher"}


def production_env(
    work: Path, *, database_url: str, redis_url: str, smtp_port: int
) -> dict[str, str]:
    """The prod test's production environment with the benchmark's database and Redis."""
    env = prod_test.production_env(work, smtp_port)
    for name in (
        "KAJET_SIGNIN_FREE_FAILURES",
        "KAJET_DELIVERY_LEASE_SECONDS",
        "KAJET_SWEEP_SECONDS",
    ):
        env.pop(name, None)  # production defaults
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "KAJET_RATE_USER_WRITES": "1000000/s",
            "KAJET_RATE_USER_API": "1000000/s",
            "KAJET_RATE_SCHOOL_WRITES": "1000000/s",
        }
    )
    return env


class Topology(prod_test.Topology):
    """gunicorn (``workers`` sync workers), a Celery worker and beat; see prod_test.Topology."""

    def web(self, port: int, workers: int) -> subprocess.Popen[bytes]:
        return self.start(
            "web",
            [
                str(prod_test.BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--forwarded-allow-ips",
                "127.0.0.1",
                "--no-control-socket",
            ],
        )

    def pids(self, name: str) -> list[int]:
        process = self.processes.get(name)
        return process_tree(process.pid) if process is not None else []


# --- CPU time ------------------------------------------------------------------------------


def proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds: user + system of all its threads), or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def process_tree(root: int) -> list[int]:
    """``root`` and every descendant of it now."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = proc_stat(int(entry.name))
            if stat is not None:
                parents.setdefault(stat[0], []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def cpu_of(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        stat = proc_stat(pid)
        if stat is not None:
            out[pid] = stat[1]
    return out


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings: processes in both count their difference, processes
    started in between count all their time (a process that ended in between is lost: pooled
    database connections and gunicorn's workers live for the whole run)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def machine_busy() -> float:
    """CPU seconds all cores spent busy since boot (``/proc/stat``, not idle nor iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS


def postgres_pids(database_url: str) -> list[int]:
    """The backends connected to the benchmark's database and the server's shared writer
    processes (on this machine those also work for other databases)."""
    import psycopg

    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "OR backend_type = ANY(%s)",
            (name, sorted(PG_SHARED)),
        ).fetchall()
    return [int(pid) for (pid,) in rows]


def redis_pid(redis_url: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return int(client.info("server")["process_id"])
    finally:
        client.close()


@dataclass
class CpuSplit:
    """CPU seconds of each part over one measurement, and the wall seconds it took."""

    seconds: float
    gunicorn: float
    postgres: float
    redis: float
    celery: float
    wrk: float
    machine: float

    @property
    def server(self) -> float:
        """What serving the requests cost: the app, the database and Redis."""
        return self.gunicorn + self.postgres + self.redis

    @property
    def other(self) -> float:
        """Busy CPU of everything else on the machine (other people's work, this script)."""
        return max(0.0, self.machine - self.server - self.celery - self.wrk)


class CpuMeter:
    """Reads the CPU time of the topology's parts before and after a measurement."""

    def __init__(self, top: Topology, *, database_url: str, redis_url: str) -> None:
        self.top, self.database_url = top, database_url
        self.redis = redis_pid(redis_url)

    def read(self) -> dict[str, dict[int, float]]:
        return {
            "gunicorn": cpu_of(self.top.pids("web")),
            "postgres": cpu_of(postgres_pids(self.database_url)),
            "redis": cpu_of([self.redis]),
            "celery": cpu_of(self.top.pids("worker") + self.top.pids("beat")),
        }

    def split(
        self,
        before: dict[str, dict[int, float]],
        after: dict[str, dict[int, float]],
        *,
        seconds: float,
        wrk: float,
        machine: float,
    ) -> CpuSplit:
        parts = {name: cpu_used(before[name], after[name]) for name in before}
        return CpuSplit(seconds=seconds, wrk=wrk, machine=machine, **parts)
