"""Where the time of seeding one bench school goes (ADR 13): the school's split by module and,
with ``--profile``, the top functions of a cProfile run. The school's transaction is rolled
back at the end (``--keep`` commits it), so the same migrated database serves many runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kajet_bench_seed \\
        .venv/bin/python bench/profile_seed.py --size l --school 2 --today 2026-12-04 --profile

The database must be migrated (``manage.py migrate``) and must not hold that bench school.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Undo(Exception):
    pass


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["xs", "s", "m", "l"], default="l")
    parser.add_argument("--school", type=int, default=2, help="the bench school's number")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    parser.add_argument("--profile", action="store_true", help="cProfile the school")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="commit the school")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from kajet.demo.management.commands.seed_bench import SeedTimes, school_spec
    from kajet.demo.management.commands.seed_bench import seed_bench_school as seed

    today = args.today or timezone.localdate()
    times = SeedTimes()
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    try:
        with scopes_disabled(), transaction.atomic():
            if profiler is not None:
                profiler.enable()
            seed(school_spec(args.size, args.school), size=args.size, today=today, times=times)
            if profiler is not None:
                profiler.disable()
            seeded = time.perf_counter()
            if not args.keep:
                raise _Undo
    except _Undo:
        pass
    else:
        seeded = time.perf_counter()
    print(
        f"{args.size.upper()} school {args.school} on {connection.vendor}: "
        f"{seeded - started:.2f} s ({times.summary()})"
        + (" [profiled]" if profiler is not None else "")
    )
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"/kajet/", args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
