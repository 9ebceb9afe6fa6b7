"""``manage.py seed_bench --size xs|s|m|l``: deterministic datasets for the benchmarks (bench/).

======  =======  ===================  ========  ========
size    schools  students per school  classes   teachers
======  =======  ===================  ========  ========
xs      1        50                   2         8
s       1        300                  14        35
m       1        1,000                40        100
l       100      400                  16        40
======  =======  ===================  ========  ========

The structure comes from ``kajet.demo.seeding.school.seed_school`` (bulk inserts); then every module
adds its data through ``kajet.demo.hooks.run_data_hooks(..., scale=size)``.

Schools are independent: on PostgreSQL they are seeded by ``--jobs`` worker processes (one per
CPU by default; one on SQLite, which has one writer), each school in its own transaction on the
worker's own connection. The data does not depend on the number of workers: the seeds key their
random streams and rotations on the school's number and on positions, never on the ids the
database hands out (``SeededSchool.key``; ADR 13). Only the ids differ with more workers.

The command refuses to touch a database that already has schools unless ``--add`` is given;
with ``--add`` the bench schools are added next to the existing ones (bench logins never collide
with the demo logins: family numbers start at 2,000,001 in blocks of 10,000 per school, staff
logins carry the school's ``b<N>.`` prefix or ``.b<N>`` suffix). Loading the same size twice
is refused.

Logins of school 1 (every role; password ``kajet-bench``) are written to
``var/bench-logins.json`` as ``[{"school", "role", "login", "password", "name"}]``, the shape of
``demo-logins.json``. Every login of every bench school has that password.
"""

from __future__ import annotations

import datetime
import json
import multiprocessing
import multiprocessing.util
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.accounts.models import Role, User
from kajet.core.bulk import refresh_planner_statistics
from kajet.core.models import School
from kajet.demo.hooks import run_data_hooks
from kajet.demo.seeding.messaging import leave_unread
from kajet.demo.seeding.school import SchoolSpec, SeededSchool, StaffSpec, seed_school
from kajet.school.models import Course

BENCH_PASSWORD = "kajet-bench"
LOGINS_FILE = "bench-logins.json"
#: Family login numbers of bench school N start at FIRST_NUMBER + (N - 1) * NUMBER_BLOCK.
FIRST_NUMBER = 2_000_001
NUMBER_BLOCK = 10_000
CITIES = ["Kraków", "Łódź", "Wrocław", "Poznań", "Gdynia", "Lublin", "Białystok", "Toruń"]


@dataclass(frozen=True)
class BenchSize:
    schools: int
    students: int  # per school
    class_names: tuple[str, ...]
    teachers: int  # per school, the named bench teachers included


def _classes(letters: str, levels: range = range(8, 0, -1)) -> tuple[str, ...]:
    """Oldest classes first, so that the bench family (the first one) is in a class with many
    subjects and a group-split subject."""
    return tuple(f"{level}{letter}" for level in levels for letter in letters)


SIZES: dict[str, BenchSize] = {
    "xs": BenchSize(1, 50, ("8a", "4a"), 8),
    # 8a–1a and 8b–3b: 14 classes.
    "s": BenchSize(1, 300, _classes("a") + _classes("b", range(8, 2, -1)), 35),
    "m": BenchSize(1, 1000, _classes("abcde"), 100),
    "l": BenchSize(100, 400, _classes("ab"), 40),
}

#: (login suffix, first name, last name, roles, homeroom teacher of the first class?)
NAMED_STAFF: list[tuple[str, str, str, list[str], bool]] = [
    ("teacher", "Joanna", "Żmuda", [Role.TEACHER], False),
    ("homeroom", "Katarzyna", "Łęcka", [Role.TEACHER], True),
    ("principal", "Halina", "Świątek", [Role.PRINCIPAL], False),
    ("admin", "Robert", "Sowiński", [Role.SCHOOL_ADMIN], False),
    ("secretariat", "Monika", "Kubiak", [Role.SECRETARIAT], False),
    ("pedagogue", "Ewa", "Gołąb", [Role.PEDAGOGUE], False),
    ("psychologist", "Tadeusz", "Bąk", [Role.PSYCHOLOGIST], False),
]
ROLE_OF_NAMED = {
    "teacher": "teacher",
    "homeroom": "homeroom_teacher",
    "principal": "principal",
    "admin": "school_admin",
    "secretariat": "secretariat",
    "pedagogue": "pedagogue",
    "psychologist": "psychologist",
}


def school_spec(size: str, number: int) -> SchoolSpec:
    """The spec of bench school ``number`` (1-based) of a size."""
    bench = SIZES[size]
    # At most two guardian numbers per student must fit in the school's block.
    assert bench.students * 2 < NUMBER_BLOCK
    return SchoolSpec(
        name=f"Szkoła Podstawowa nr {number} (test wydajności {size.upper()})",
        short_name=f"Bench {size.upper()} {number}",
        city=CITIES[(number - 1) % len(CITIES)],
        class_names=list(bench.class_names),
        students_per_class=0,
        students_total=bench.students,
        teachers=bench.teachers,
        first_login_number=FIRST_NUMBER + (number - 1) * NUMBER_BLOCK,
        seed=10_000 + number,
        number=number,
        staff_login_suffix=f".b{number}",
        # The bench guardian has two children: the first student (class 8a) and a younger
        # sibling in the last class.
        sibling_class=bench.class_names[-1] if len(bench.class_names) > 1 else None,
        named_staff=[
            StaffSpec(
                f"b{number}.{suffix}",
                first,
                last,
                list(roles),
                homeroom_of=bench.class_names[0] if homeroom else None,
            )
            for suffix, first, last, roles, homeroom in NAMED_STAFF
        ],
    )


def bench_logins(seeded: SeededSchool, spec: SchoolSpec) -> list[dict[str, str]]:
    """Every role of one seeded bench school: its first family and its named staff."""
    family = str(spec.first_login_number)
    users = {u.login: u for u in User.objects.filter(login__in=[family, family + "u"])}
    rows = [
        ("guardian", users[family]),
        ("student", users[family + "u"]),
    ]
    for named in spec.named_staff:
        suffix = named.login.split(".", 1)[1]
        rows.append((ROLE_OF_NAMED[suffix], seeded.staff_by_login[named.login]))
    return [
        {
            "school": spec.short_name,
            "role": role,
            "login": user.login,
            "password": BENCH_PASSWORD,
            "name": user.full_name,
        }
        for role, user in rows
    ]


def give_busiest_load(seeded: SeededSchool, login: str) -> None:
    """Swap teaching loads so that the named bench teacher ``login`` teaches as many courses as
    the busiest teacher without a class of their own (a realistic worst case for the teacher's
    pages); homeroom teachers keep teaching their classes."""
    named = seeded.staff_by_login[login]
    load: dict[int, int] = {}
    for course in seeded.courses:
        load[course.teacher_id] = load.get(course.teacher_id, 0) + 1
    homeroom = {c.homeroom_teacher_id for c in seeded.classes}
    candidates = [t for t in seeded.teachers if t.pk not in homeroom]
    busiest = max(candidates, key=lambda t: (load.get(t.pk, 0), -t.pk))
    if busiest.pk == named.pk:
        return
    changed = []
    for course in seeded.courses:
        if course.teacher_id == busiest.pk:
            course.teacher = named
        elif course.teacher_id == named.pk:
            course.teacher = busiest
        else:
            continue
        changed.append(course)
    Course.objects.bulk_update(changed, ["teacher"], batch_size=500)


def skip_row_triggers() -> bool:
    """On PostgreSQL as a superuser: no row triggers until the end of the transaction, so the
    foreign keys of the generated rows are not checked one by one at commit (about 40% of the
    time of dataset L; ADR 13). It is what ``pg_restore --disable-triggers`` does for a
    restore; the seeds build every reference from rows they have just inserted, and
    ``kajet/demo/tests/test_seeding_rows.py`` checks that no reference dangles."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser')")
        if cursor.fetchone()[0] != "on":
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


@dataclass
class SeedTimes:
    structure: float = 0.0
    modules: float = 0.0
    by_module: dict[str, float] = field(default_factory=dict)

    def add(self, other: SeedTimes) -> None:
        self.structure += other.structure
        self.modules += other.modules
        for name, seconds in other.by_module.items():
            self.by_module[name] = self.by_module.get(name, 0.0) + seconds

    def summary(self) -> str:
        parts = ", ".join(
            f"{name.rsplit('.', 1)[-1]} {seconds:.1f} s" for name, seconds in self.by_module.items()
        )
        return f"structure {self.structure:.1f} s, module data {self.modules:.1f} s ({parts})"


def seed_bench_school(
    spec: SchoolSpec, *, size: str, today: datetime.date, times: SeedTimes
) -> list[dict[str, str]]:
    """One bench school in its own transaction; returns its bench logins."""
    with transaction.atomic():
        started = time.perf_counter()
        skip_row_triggers()
        seeded = seed_school(spec, today=today, password=BENCH_PASSWORD)
        give_busiest_load(seeded, spec.named_staff[0].login)
        structured = time.perf_counter()
        run_data_hooks(seeded, today=today, scale=size, timings=times.by_module)
        logins = bench_logins(seeded, spec)
        # Every bench login reads an inbox with a message in it (an empty inbox is a
        # different, cheaper page): the same pages in every school.
        principal = next(s for s in spec.named_staff if Role.PRINCIPAL in s.roles)
        leave_unread(
            list(User.objects.filter(login__in=[row["login"] for row in logins])),
            principal=seeded.staff_by_login[principal.login],
        )
        done = time.perf_counter()
    times.structure += structured - started
    times.modules += done - structured
    return logins


def default_jobs() -> int:
    """Worker processes for ``seed_bench``: one per CPU on PostgreSQL, one on other databases
    (SQLite has one writer at a time)."""
    if connection.vendor != "postgresql":
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


SeededResult = tuple[int, list[dict[str, str]], SeedTimes]


def _seed_numbered(task: tuple[str, int, datetime.date]) -> SeededResult:
    """Bench school ``number`` of a size (in the command's process or a worker's)."""
    size, number, today = task
    times = SeedTimes()
    with scopes_disabled():
        logins = seed_bench_school(school_spec(size, number), size=size, today=today, times=times)
    return number, logins, times


def _close_database() -> None:
    """Close every connection and connection pool of this process (config/database.py pools
    connections outside the tests: a forked worker must not inherit the pool's sockets)."""
    connections.close_all()
    for each in connections.all(initialized_only=True):
        close_pool = getattr(each, "close_pool", None)
        if close_pool is not None:
            close_pool()


def _worker_started() -> None:
    # The worker opens its own connection (and pool) on first use and closes it when the
    # pool of workers lets it end (close/join runs the finalizers; terminate does not).
    multiprocessing.util.Finalize(None, _close_database, exitpriority=10)


def _seeded_schools(size: str, today: datetime.date, jobs: int) -> Iterator[SeededResult]:
    """Seed every school of a size, in ``jobs`` worker processes when more than one; yields
    the results in school order."""
    tasks = [(size, number, today) for number in range(1, SIZES[size].schools + 1)]
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_seed_numbered, tasks)
        return
    if connection.in_atomic_block:
        raise CommandError("Seeding in parallel needs its own transactions; use --jobs 1.")
    # Forked workers must not share the command's connection: close it, each opens its own.
    _close_database()
    pool = multiprocessing.get_context("fork").Pool(
        min(jobs, len(tasks)), initializer=_worker_started
    )
    try:
        yield from pool.imap(_seed_numbered, tasks)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def seed_bench(
    size: str, *, today: datetime.date, progress: Any = None, jobs: int = 1
) -> tuple[list[dict[str, str]], SeedTimes]:
    """Seed every school of a size; returns the logins of school 1 and the time spent (with
    more than one job, summed over the schools: more than the time it took)."""
    times = SeedTimes()
    logins: list[dict[str, str]] = []
    count = SIZES[size].schools
    for number, school_logins, school_times in _seeded_schools(size, today, jobs):
        times.add(school_times)
        if number == 1:
            logins = school_logins
        if progress is not None and (count == 1 or number % 10 == 0 or number == count):
            progress(f"school {number}/{count}: {times.summary()} (cumulative)")
    return logins, times


def write_bench_logins(logins: list[dict[str, str]]) -> Path:
    path = Path(settings.VAR_DIR) / LOGINS_FILE
    path.write_text(json.dumps(logins, ensure_ascii=False, indent=2))
    return path


class Command(BaseCommand):
    help = "Create a deterministic benchmark dataset and write var/bench-logins.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), required=True)
        parser.add_argument(
            "--add",
            action="store_true",
            help="Add the bench schools to a database that already has schools "
            "(by default the command refuses).",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The date the data is built around (YYYY-MM-DD; default: today).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Worker processes seeding schools in parallel (default: one per CPU on "
            "PostgreSQL; always 1 on SQLite). The data is the same whatever the number.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size: str = options["size"]
        today: datetime.date = options["today"] or timezone.localdate()
        with scopes_disabled():
            if School.objects.exists() and not options["add"]:
                raise CommandError(
                    "The database already has schools; use a fresh database "
                    "or pass --add to add the bench schools to it."
                )
            first = school_spec(size, 1)
            if User.objects.filter(login=first.named_staff[0].login).exists():
                raise CommandError("Bench data is already loaded in this database.")
            jobs = self._jobs(options["jobs"])
            started = time.perf_counter()
            logins, times = seed_bench(size, today=today, progress=self.stdout.write, jobs=jobs)
            refresh_planner_statistics()
        path = write_bench_logins(logins)
        workers = min(jobs, SIZES[size].schools)
        summed = f"; summed over {workers} workers" if workers > 1 else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Bench dataset {size.upper()} created in {time.perf_counter() - started:.1f} s "
                f"({times.summary()}{summed}); logins in {path} (password {BENCH_PASSWORD})"
            )
        )

    def _jobs(self, asked: int | None) -> int:
        if asked is None:
            return default_jobs()
        if asked < 1:
            raise CommandError("--jobs must be at least 1.")
        if asked > 1 and connection.vendor != "postgresql":
            self.stdout.write("SQLite has one writer at a time: seeding with one job.")
            return 1
        return asked
