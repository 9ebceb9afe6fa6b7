"""Kajet benchmark harness: a page against the no-op endpoint, interleaved, on the production
server.

    .venv/bin/python bench/run.py --size s --scenario home

Steps: a fresh SQLite database in a temporary var dir (or a fresh PostgreSQL database with
``--database-url``), migrate, ``seed_bench --size``, collectstatic; gunicorn
(``bench.floor_wsgi:application``: Kajet's ``config.wsgi`` plus the bare-Django floor
``/bench/floor``; DEBUG off) on 127.0.0.1 and a free port; sign-in through the real form as each
role; then for each role: rounds of wrk on ``/bench/floor``, ``/bench/noop`` and the page,
alternating (floor, noop, page, floor, ...), with the session cookie. Prints a Markdown row per
role and appends it to bench/RESULTS.md under a new dated heading (``--no-record`` to skip).
The server is always stopped at the end. Only loopback addresses are used. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import ipaddress
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenarios import SCENARIOS, Scenario

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS = BENCH_DIR / "RESULTS.md"
LUA = BENCH_DIR / "wrk_report.lua"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
NOOP = "/bench/noop"
FLOOR = "/bench/floor"  # bench/floor_wsgi.py: a plain Django view, no middleware
FAMILY_ROLES = {"guardian", "student"}
HOST = "127.0.0.1"

RESULTS_HEADER = """\
| date (UTC) | commit | machine | dataset | db | server | scenario | role | path | wrk \
| noop req/s | noop p50/p95 ms | page req/s | page p50/p95 ms | page/noop | queries noop/page \
| command |
|---|---|---|---|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|
"""


#: run.py's table (since the floor column); RESULTS_HEADER stays for attendance_burst.py.
FLOOR_HEADER = """\
| date (UTC) | commit | machine | dataset | db | server | scenario | role | path | wrk \
| floor req/s | noop req/s | noop p50/p95 ms | page req/s | page p50/p95 ms | page/noop \
| page/floor | queries noop/page | command |
|---|---|---|---|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|
"""


class BenchError(Exception):
    pass


# --- Small helpers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def git_commit() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit + ("-dirty" if dirty else "")


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} CPU {model or platform.machine()}, load {load:.1f}".strip()


def require_loopback_url(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise BenchError(f"only loopback addresses are allowed, not {host!r}")


def run_checked(args: list[str], *, env: dict[str, str], timeout: float) -> tuple[float, str]:
    """Run a command in the project; return the seconds it took and its output."""
    started = time.perf_counter()
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise BenchError(
            f"{shlex.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return time.perf_counter() - started, result.stdout


# --- The database and the server -----------------------------------------------------------


def recreate_postgres(database_url: str) -> None:
    """Drop and create the bench database (its name must start with ``kajet_bench``)."""
    require_loopback_url(database_url)
    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"kajet_bench\w*", name):
        raise BenchError("the PostgreSQL database name must start with kajet_bench (it is dropped)")
    import psycopg  # installed with Django's PostgreSQL support

    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def server_env(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL", "KAJET_VAR_DIR"}
    }
    env["KAJET_VAR_DIR"] = str(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # A handful of benchmark users make thousands of requests a minute: the rate limits'
    # counters still run on every request, with ceilings no benchmark reaches.
    for name in ("KAJET_RATE_USER_WRITES", "KAJET_RATE_USER_API", "KAJET_RATE_SCHOOL_WRITES"):
        env.setdefault(name, "1000000/s")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare(size: str, env: dict[str, str]) -> float:
    """Migrate, seed and collect static files; returns the seconds seed_bench took."""
    run_checked([str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"], env=env, timeout=300)
    seconds, output = run_checked(
        [str(PYTHON), "manage.py", "seed_bench", "--size", size], env=env, timeout=1800
    )
    print(output.strip().splitlines()[-1], file=sys.stderr)  # the time per module
    run_checked(
        [str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"], env=env, timeout=300
    )
    return seconds


def stop_process_group(process: subprocess.Popen[Any]) -> None:
    """Stop a server started in its own process group: SIGTERM, then SIGKILL after 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def production_server(env: dict[str, str], *, workers: int, log: Path) -> Iterator[str]:
    """gunicorn on 127.0.0.1 and a free port; yields the base URL; always stops it."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "bench.floor_wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--no-control-socket",  # gunicorn ≥ 23 shares ~/.gunicorn/gunicorn.ctl otherwise
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: we stop exactly what we started
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise BenchError(f"gunicorn exited ({process.returncode}); see {log}")
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise BenchError(f"gunicorn did not answer /healthz within 60 s; see {log}")
                time.sleep(0.3)
            yield base
        finally:
            stop_process_group(process)


# --- Signing in ----------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def sign_in(base: str, *, login: str, password: str, role: str) -> str:
    """Sign in through the real form (CSRF token, POST); returns the session id."""
    kind = "rodzina" if role in FAMILY_ROLES else "pracownik"
    url = f"{base}/konto/logowanie/?jako={kind}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    with opener.open(url, timeout=10) as response:
        html = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if match is None:
        raise BenchError("no CSRF token on the sign-in page")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1), "login": login, "password": password}
    ).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    try:
        with opener.open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 302:
        raise BenchError(f"sign-in as {role} ({login}) failed: HTTP {status}")
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if session is None:
        raise BenchError(f"sign-in as {role} ({login}) set no session cookie")
    return session


def get_status(url: str, session: str) -> int:
    opener = urllib.request.build_opener(_NoRedirect())
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    try:
        with opener.open(request, timeout=30) as response:
            response.read()
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


# --- In-process Django: facts for path templates and query counts -------------------------


def django_setup(env: dict[str, str]) -> None:
    for key in ("KAJET_VAR_DIR", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        if key in env:
            os.environ[key] = env[key]
        else:
            os.environ.pop(key, None)
    os.environ.pop("DJANGO_DEBUG", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def login_facts(login: str) -> dict[str, object]:
    """Values for the scenario path templates (see bench/scenarios.py)."""
    from django_scopes import scopes_disabled

    from kajet.accounts.models import User
    from kajet.school.models import Course, SchoolClass, Student

    with scopes_disabled():
        user = User.objects.get(login=login)
        facts: dict[str, object] = {"user_id": user.pk, "school_id": user.school_id}
        student = (
            Student.objects.filter(user=user).first()
            or Student.objects.filter(guardianships__guardian=user).order_by("pk").first()
        )
        course = Course.objects.filter(teacher=user).order_by("pk").first()
        homeroom = SchoolClass.objects.filter(homeroom_teacher=user).order_by("pk").first()
        if student is not None:
            facts["class_id"] = student.school_class_id
            course = course or Course.objects.filter(school_class=student.school_class).first()
        elif homeroom is not None or course is not None:
            school_class = homeroom or (course.school_class if course is not None else None)
            assert school_class is not None
            facts["class_id"] = school_class.pk
            first = Student.objects.filter(school_class=school_class).order_by("pk").first()
            if first is not None:
                student = first
        if student is not None:
            facts["student_id"] = student.pk
        if course is not None:
            facts["course_id"] = course.pk
        # {feed_token}: a fresh calendar-feed token (only its hash is stored, so the
        # plain token exists only when it is made).
        from kajet.feeds.services import feed_token_regenerate

        facts["feed_token"] = feed_token_regenerate(actor=user)
    return facts


def query_counts(*, login: str, password: str, role: str, paths: list[str]) -> list[int]:
    """Database queries of each path for this user, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    kind = "rodzina" if role in FAMILY_ROLES else "pracownik"
    response = client.post(f"/konto/logowanie/?jako={kind}", {"login": login, "password": password})
    if response.status_code != 302:
        raise BenchError(f"in-process sign-in as {role} failed: HTTP {response.status_code}")
    counts = []
    for path in paths:
        client.get(path)  # warm caches (as the server's workers are after the warm-up)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"{path} as {role}: HTTP {response.status_code}")
        counts.append(len(queries))
    return counts


# --- wrk -----------------------------------------------------------------------------------


@dataclass
class WrkRound:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int
    not_200: int


@dataclass
class Series:
    rounds: list[WrkRound] = field(default_factory=list)

    @property
    def rps(self) -> float:
        seconds = sum(r.seconds for r in self.rounds)
        return sum(r.requests for r in self.rounds) / seconds if seconds else 0.0

    @property
    def p50(self) -> float:  # the median of the rounds' medians
        return statistics.median(r.p50_ms for r in self.rounds)

    @property
    def p95(self) -> float:
        return statistics.median(r.p95_ms for r in self.rounds)

    @property
    def failures(self) -> int:
        return sum(r.errors + r.not_200 for r in self.rounds)


def wrk(url: str, *, session: str, seconds: int, connections: int, threads: int) -> WrkRound:
    args = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={LUA}",
        f"--header=Cookie: sessionid={session}",
        url,
    ]
    result = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 30, check=False)
    match = re.search(
        r"KAJET-WRK requests=(\d+) duration_us=(\d+) p50_us=(\d+) p95_us=(\d+) p99_us=\d+ "
        r"errors=(\d+) not_200=(\d+)",
        result.stdout,
    )
    if result.returncode != 0 or match is None:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    requests, duration, p50, p95, errors, not_200 = (int(g) for g in match.groups())
    return WrkRound(requests, duration / 1e6, p50 / 1000, p95 / 1000, errors, not_200)


def measure(
    base: str, path: str, *, session: str, args: argparse.Namespace
) -> tuple[Series, Series, Series]:
    """Warm-up, then rounds alternating floor, noop and page; returns (floor, noop, page)."""

    def load(target: str, seconds: int) -> WrkRound:
        return wrk(
            base + target,
            session=session,
            seconds=seconds,
            connections=args.connections,
            threads=args.threads,
        )

    if args.warmup:
        load(FLOOR, args.warmup)
        load(NOOP, args.warmup)
        load(path, args.warmup)
    floor, noop, page = Series(), Series(), Series()
    for number in range(1, args.rounds + 1):
        for series, target in ((floor, FLOOR), (noop, NOOP), (page, path)):
            result = load(target, args.duration)
            series.rounds.append(result)
            rps = result.requests / result.seconds
            print(
                f"  round {number}/{args.rounds} {target:<24} {rps:8.1f} req/s"
                f"  p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms",
                file=sys.stderr,
            )
    return floor, noop, page


# --- Reporting -----------------------------------------------------------------------------


@dataclass
class Row:
    scenario: Scenario
    role: str
    path: str
    floor: Series
    noop: Series
    page: Series
    queries: tuple[int, int] | None


def markdown_row(row: Row, *, args: argparse.Namespace, context: dict[str, str]) -> str:
    ratio = row.page.rps / row.noop.rps if row.noop.rps else 0.0
    floor_ratio = row.page.rps / row.floor.rps if row.floor.rps else 0.0
    invalid = row.floor.failures + row.noop.failures + row.page.failures
    queries = f"{row.queries[0]}/{row.queries[1]}" if row.queries else "-"
    cells = [
        context["date"],
        context["commit"],
        context["machine"],
        context["dataset"],
        context["db"],
        f"gunicorn {args.workers}w",
        row.scenario.name,
        row.role,
        f"`{row.path}`",
        f"{args.connections}c/{args.threads}t {args.rounds}×{args.duration}s",
        f"{row.floor.rps:.0f}",
        f"{row.noop.rps:.0f}",
        f"{row.noop.p50:.1f}/{row.noop.p95:.1f}",
        f"{row.page.rps:.0f}",
        f"{row.page.p50:.1f}/{row.page.p95:.1f}",
        f"{ratio:.2f}" + (f" INVALID ({invalid} errors/non-200)" if invalid else ""),
        f"{floor_ratio:.3f}",
        queries,
        f"`{context['command']}`",
    ]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def record(lines: list[str], *, context: dict[str, str]) -> None:
    """Appends the rows under a heading of their own (the floor columns differ from the
    older tables of RESULTS.md)."""
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n")
    with RESULTS.open("a") as results:
        results.write(f"\n### {context['date']}: bench/run.py ({context['db']})\n\n")
        results.write(FLOOR_HEADER)
        for line in lines:
            results.write(line + "\n")


# --- Main ----------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["xs", "s", "m", "l"], default="s")
    parser.add_argument(
        "--scenario",
        default="home",
        help=f"comma-separated scenario names: {', '.join(SCENARIOS)}",
    )
    parser.add_argument("--role", help="comma-separated roles (default: the scenario's roles)")
    parser.add_argument("--rounds", type=int, default=3, help="floor+noop+page rounds (3)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds per target (3)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL on loopback, database name starting with kajet_bench (dropped and "
        "created anew); default: SQLite in the temporary var dir",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 20 or not 1 <= args.duration <= 120:
        parser.error("rounds must be 1–20 and duration 1–120 s (runs are bounded)")
    if not 0 <= args.warmup <= 60:
        parser.error("warm-up must be 0–60 s")
    unknown = [s for s in args.scenario.split(",") if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown}; known: {', '.join(SCENARIOS)}")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed. Install it with: apt-get install wrk", file=sys.stderr)
        return 2
    if not GUNICORN.exists():
        print("No .venv with gunicorn: run `make venv` first.", file=sys.stderr)
        return 2
    scenarios = [SCENARIOS[s] for s in args.scenario.split(",")]
    var_dir = Path(tempfile.mkdtemp(prefix="kajet-bench-"))
    context = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "commit": git_commit(),
        "db": "postgresql" if args.database_url else "sqlite",
        "command": shlex.join([".venv/bin/python", "bench/run.py", *argv]),
    }
    try:
        if args.database_url:
            recreate_postgres(args.database_url)
        env = server_env(var_dir, args.database_url)
        print(f"Seeding dataset {args.size.upper()} in {var_dir} ...", file=sys.stderr)
        seed_seconds = prepare(args.size, env)
        context["dataset"] = f"{args.size.upper()} (seeded in {seed_seconds:.0f} s)"
        logins = {
            row["role"]: row for row in json.loads((var_dir / "bench-logins.json").read_text())
        }
        django_setup(env)
        lines = []
        with production_server(env, workers=args.workers, log=var_dir / "gunicorn.log") as base:
            print(f"Server: {base} ({args.workers} workers)", file=sys.stderr)
            context["machine"] = machine()  # the load average as the measurements start
            for scenario in scenarios:
                roles = args.role.split(",") if args.role else list(scenario.roles)
                for role in roles:
                    if role not in logins:
                        raise BenchError(f"no bench login for role {role!r}")
                    login = logins[role]
                    path = scenario.path.format(**login_facts(login["login"]))
                    session = sign_in(
                        base, login=login["login"], password=login["password"], role=role
                    )
                    for target in (FLOOR, NOOP, path):
                        status = get_status(base + target, session)
                        if status != 200:
                            raise BenchError(f"{target} as {role}: HTTP {status} (expected 200)")
                    noop_q, page_q = query_counts(
                        login=login["login"],
                        password=login["password"],
                        role=role,
                        paths=[NOOP, path],
                    )
                    print(f"{scenario.name} as {role}: {path}", file=sys.stderr)
                    floor, noop, page = measure(base, path, session=session, args=args)
                    row = Row(scenario, role, path, floor, noop, page, (noop_q, page_q))
                    line = markdown_row(row, args=args, context=context)
                    print(line)
                    lines.append(line)
        if not args.no_record:
            record(lines, context=context)
            print(f"Appended {len(lines)} row(s) to {RESULTS.relative_to(ROOT)}", file=sys.stderr)
        return 0
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"Kept {var_dir}", file=sys.stderr)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
