"""Where a page's time goes: CPU per request against the no-op, every SQL query re-timed,
and the top functions of a cProfile run. In-process (Django test client), not over HTTP.

    .venv/bin/python bench/profile_page.py --size m --role guardian --path /
    .venv/bin/python bench/profile_page.py --var-dir /tmp/kvar-x --role teacher --path /

With ``--size`` a fresh temporary var dir is migrated and seeded (like bench/run.py); with
``--var-dir`` an existing seeded one (bench-logins.json inside) is used as it is.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from run import FAMILY_ROLES, HOST, NOOP, BenchError, django_setup, login_facts, prepare, server_env


def cpu_per_request(get: Callable[[], Any], count: int) -> float:
    for _ in range(5):
        get()
    started = time.process_time()
    for _ in range(count):
        get()
    return (time.process_time() - started) / count * 1000


def profile(args: argparse.Namespace, var_dir: Path) -> None:
    from django.db import connection
    from django.test import Client

    logins = {r["role"]: r for r in json.loads((var_dir / "bench-logins.json").read_text())}
    login = logins[args.role]
    path = args.path.format(**login_facts(login["login"]))
    client = Client(HTTP_HOST=HOST)
    kind = "rodzina" if args.role in FAMILY_ROLES else "pracownik"
    response = client.post(
        f"/konto/logowanie/?jako={kind}", {"login": login["login"], "password": login["password"]}
    )
    if response.status_code != 302:
        raise BenchError(f"sign-in as {args.role} failed: HTTP {response.status_code}")
    for target in (NOOP, path):
        status = client.get(target).status_code
        if status != 200:
            raise BenchError(f"{target}: HTTP {status}")

        def get(target: str = target) -> Any:
            return client.get(target)

        ms = cpu_per_request(get, args.requests)
        print(f"{target:<30} {ms:7.1f} ms CPU per request ({args.role})")

    queries: list[tuple[str, Sequence[Any] | Mapping[str, Any] | None]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(path)
    total = 0.0
    print(f"\n{len(queries)} queries on {path} (each re-run, best of 5):")
    with connection.cursor() as cursor:
        for sql, params in queries:
            best = float("inf")
            rows: list[Any] = []
            for _ in range(5):
                started = time.perf_counter()
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                best = min(best, time.perf_counter() - started)
            total += best
            print(f"  {best * 1000:7.2f} ms {len(rows):6d} rows  {sql[:110]}")
    print(f"  {total * 1000:7.2f} ms in all")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"/kajet/", args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(f"\ncProfile of {args.requests} requests to {path}:")
    print(out.getvalue())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--size", choices=["xs", "s", "m", "l"])
    where.add_argument("--var-dir", type=Path)
    parser.add_argument("--role", default="guardian")
    parser.add_argument("--path", default="/", help="a path template as in bench/scenarios.py")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    temporary = args.var_dir is None
    var_dir: Path = Path(tempfile.mkdtemp(prefix="kajet-profile-")) if temporary else args.var_dir
    try:
        # README: DATABASE_URL=postgres://… profiles on PostgreSQL (server_env drops it otherwise).
        env = server_env(var_dir, os.environ.get("DATABASE_URL"))
        if temporary:
            print(f"Seeding dataset {args.size.upper()} in {var_dir} ...", file=sys.stderr)
            prepare(args.size, env)
        django_setup(env)
        profile(args, var_dir)
        return 0
    except BenchError as error:
        print(f"profile: {error}", file=sys.stderr)
        return 1
    finally:
        if temporary:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
