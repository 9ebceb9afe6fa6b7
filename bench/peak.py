"""The morning peak (issue 17): a mix of families and teachers against the production topology
on loopback, ramped until p95 passes 200 ms or an error appears, with the CPU split.

    .venv/bin/python bench/peak.py --size m \
        --database-url postgres://postgres@127.0.0.1:5432/kajet_bench_peak
    .venv/bin/python bench/peak.py --size m --reuse --workers-per-core 1,2 --steps 4,8,16,32 \
        --duration 20 --database-url postgres://postgres@127.0.0.1:5432/kajet_bench_peak

Steps (see bench/README.md, "The morning peak"): seed the dataset into a fresh PostgreSQL
database (``--reuse``: keep the one seeded before); start the production topology of
``make prod-test`` (bench/topology.py: gunicorn ``config.wsgi`` with the production settings
behind the headers nginx adds, Redis for the cache, sessions, rate limits and the Celery broker,
a Celery worker and beat, an SMTP sink on loopback); sign in a pool of families (guardians and
students) and teachers drawn from every school of the dataset through the real form; prepare
the teachers' attendance forms (one untaken lesson each, from the page the server gives) and
grade columns (from the column form); then one wrk run per step (connection count) with
bench/peak.lua, which draws every request from the weighted mix (:func:`mix_weights`), while
a principal posts one urgent school-wide announcement half-way through each step (its e-mails
go through the worker to the sink). Each step records req/s, p50/p95/p99, socket errors and bad
answers, and the CPU seconds of gunicorn, the PostgreSQL backends, Redis, Celery and wrk.
Ramping stops after the first step with p95 > 200 ms or any error; the knee is the last step
before it. Afterwards every attendance save that was sent is checked in the database (the marks
of the form), the grade columns are counted, and nothing may have answered 5xx.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import functools
import os
import random
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import attendance_burst as burst  # noqa: E402  (the take-attendance form, untaken lessons)
import notifications_send  # noqa: E402  (the SMTP sink, confirmed guardian addresses)
import prod_test  # noqa: E402  (scripts/prod_test.py: the browser a proxy would be)
import run  # noqa: E402  (dataset, PostgreSQL, machine facts, git commit)
import topology  # noqa: E402  (the production topology, CPU time)

LUA = run.BENCH_DIR / "peak.lua"
PASSWORD = "kajet-bench"
P95_LIMIT_MS = 200.0
MARKS = ("6", "5", "5-", "4+", "4", "4", "3+", "3", "2", "1", "np")

#: One family's visit in the morning window: requests of each kind. About one visit in three
#: starts with a sign-in (sessions last up to 12 hours: the rest come back with yesterday's).
FAMILY_VISIT: dict[str, float] = {
    "signin": 0.3,
    "home": 1.0,
    "grades": 0.6,
    "attendance": 0.4,
    "inbox": 0.3,
}
#: One lesson a teacher starts: the "today" page, the lesson page before the save and after
#: its redirect, the attendance save; one lesson in ten also saves a grade column (a quiz) and
#: starts with a sign-in.
TEACHER_LESSON: dict[str, float] = {
    "signin": 0.1,
    "today": 1.0,
    "lesson": 2.0,
    "attendance_save": 1.0,
    "column_save": 0.1,
}
#: Family visits for every lesson that starts in the window (see docs/capacity.md: a school of
#: 400 students has about 16 lessons at 08:00 and about 160 family visits between 07:30 and
#: 08:00).
FAMILY_VISITS_PER_LESSON = 10.0

GET_KINDS = ("home", "grades", "attendance", "inbox", "today", "lesson")
ONCE_KINDS = ("attendance_save", "column_save")  # each request creates its row: sent once


def mix_weights(
    family_visits_per_lesson: float = FAMILY_VISITS_PER_LESSON,
    *,
    family: dict[str, float] | None = None,
    teacher: dict[str, float] | None = None,
) -> dict[str, float]:
    """The share of each request kind in the mix (they add up to 1): ``family_visits_per_lesson``
    family visits (``FAMILY_VISIT``) for each teacher's lesson (``TEACHER_LESSON``)."""
    family = FAMILY_VISIT if family is None else family
    teacher = TEACHER_LESSON if teacher is None else teacher
    if family_visits_per_lesson < 0:
        raise ValueError("family visits per lesson cannot be negative")
    counts: dict[str, float] = {}
    for kind, n in family.items():
        counts[kind] = counts.get(kind, 0.0) + n * family_visits_per_lesson
    for kind, n in teacher.items():
        counts[kind] = counts.get(kind, 0.0) + n
    total = sum(counts.values())
    if total <= 0:
        raise ValueError("the mix has no requests")
    return {kind: n / total for kind, n in counts.items() if n > 0}


def requests_per_lesson(family_visits_per_lesson: float = FAMILY_VISITS_PER_LESSON) -> float:
    """Requests the mix makes for each lesson started (its families' visits included)."""
    return family_visits_per_lesson * sum(FAMILY_VISIT.values()) + sum(TEACHER_LESSON.values())


def weights_arg(weights: dict[str, float]) -> str:
    """The weights as bench/peak.lua reads them: ``kind=weight,...``."""
    return ",".join(f"{kind}={share:.6f}" for kind, share in sorted(weights.items()))


def thread_shares(items: list[Any], threads: int) -> list[list[Any]]:
    """Round-robin shares of ``items`` for the wrk threads (each sent by one thread only)."""
    return [items[tid::threads] for tid in range(threads)]


# --- Users of the pool ---------------------------------------------------------------------


@dataclass
class Member:
    """A user of the pool: signed in through the real form; the pages they read."""

    login: str
    kind: str  # "family" or "staff"
    user_id: int
    school_id: int
    student_id: int = 0
    browser: prod_test.Browser = field(default_factory=prod_test.Browser)

    @property
    def signin_path(self) -> str:
        return "/konto/logowanie/?jako=" + ("rodzina" if self.kind == "family" else "pracownik")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in sorted(self.browser.cookies.items()))


def spread(rows_by_school: dict[int, list[Any]], count: int) -> list[Any]:
    """Up to ``count`` rows taken from every school in turn (the first of each, then the
    second of each, ...)."""
    out: list[Any] = []
    queues = [list(rows) for _, rows in sorted(rows_by_school.items())]
    depth = 0
    while len(out) < count and any(depth < len(q) for q in queues):
        out.extend(q[depth] for q in queues if depth < len(q))
        depth += 1
    return out[:count]


def pick_families(count: int) -> list[Member]:
    """Guardians and students of every school, alternating, spread over the schools."""
    from kajet.accounts.models import User
    from kajet.school.models import Guardianship, Student

    by_school: dict[int, list[Member]] = {}
    children = dict(
        Guardianship.objects.order_by("guardian_id", "student_id").values_list(
            "guardian_id", "student_id"
        )
    )
    students = dict(Student.objects.values_list("user_id", "pk"))
    per_school = max(2, count)
    for school_id in (
        User.objects.exclude(school=None).values_list("school_id", flat=True).distinct()
    ):
        guardians = User.objects.filter(school_id=school_id, kind=User.Kind.GUARDIAN).order_by(
            "login"
        )[: per_school // 2 + 1]
        pupils = User.objects.filter(school_id=school_id, kind=User.Kind.STUDENT).order_by("login")[
            : per_school // 2 + 1
        ]
        members = [
            Member(u.login, "family", u.pk, school_id, children[u.pk])
            for u in guardians
            if u.pk in children
        ]
        members += [
            Member(u.login, "family", u.pk, school_id, students[u.pk])
            for u in pupils
            if u.pk in students
        ]
        members.sort(key=lambda m: m.login)
        by_school[school_id] = members
    return spread(by_school, count)


def pick_teachers(count: int) -> list[Member]:
    """Teachers who teach a course, spread over the schools."""
    from kajet.accounts.models import User
    from kajet.school.models import Course

    by_school: dict[int, list[Member]] = {}
    teaching = set(Course.objects.values_list("teacher_id", flat=True))
    for user in User.objects.filter(pk__in=teaching).order_by("school_id", "login"):
        assert user.school_id is not None
        by_school.setdefault(user.school_id, []).append(
            Member(user.login, "staff", user.pk, user.school_id)
        )
    return spread(by_school, count)


def principal_of(school_id: int) -> str:
    from kajet.accounts.models import Role, StaffRole

    row = (
        StaffRole.objects.filter(school_id=school_id, role=Role.PRINCIPAL)
        .select_related("user")
        .order_by("user__login")
        .first()
    )
    if row is None:
        raise run.BenchError(f"school {school_id} has no principal")
    return row.user.login


def sign_in_all(port: int, members: list[Member], jobs: int) -> None:
    def one(member: Member) -> None:
        status, page, _ = member.browser.get(port, member.signin_path)
        if status != 200:
            raise run.BenchError(f"the sign-in page answered {status}")
        form = {**member.browser.form_tokens(page), "login": member.login, "password": PASSWORD}
        status, _, headers = member.browser.post(port, member.signin_path, form)
        if status != 302 or "sessionid" not in member.browser.cookies:
            raise run.BenchError(f"sign-in as {member.login} answered {status}")

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, members))


def signin_requests(port: int, members: list[Member]) -> list[tuple[str, str, str]]:
    """(path, cookie, body) of a sign-in POST for every member: the CSRF cookie and token of
    one anonymous visit of the sign-in page (Django accepts the pair again and again), no
    session, the member's login and password."""
    pairs = {}
    for kind in ("rodzina", "pracownik"):
        browser = prod_test.Browser()
        status, page, _ = browser.get(port, f"/konto/logowanie/?jako={kind}")
        if status != 200:
            raise run.BenchError(f"the sign-in page answered {status}")
        token = browser.form_tokens(page)["csrfmiddlewaretoken"]
        pairs[kind] = (f"csrftoken={browser.cookies['csrftoken']}", token)
    out = []
    for m in members:
        kind = "rodzina" if m.kind == "family" else "pracownik"
        cookie, token = pairs[kind]
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "login": m.login, "password": PASSWORD}
        )
        out.append((m.signin_path, cookie, body))
    return out


# --- Teachers' writes ----------------------------------------------------------------------


def lessons_to_take(teachers: list[Member], count: int) -> list[burst.Save]:
    """``count`` untaken lessons of these teachers, school by school in turn, each school's
    newest first (bench/attendance_burst.py's selector: the teacher's "today" lessons)."""
    from django.utils import timezone

    per_school: dict[int, list[tuple[str, int]]] = {}
    for t in teachers:
        per_school.setdefault(t.school_id, []).append((t.login, t.user_id))
    share = count // max(1, len(per_school)) + 1
    found = {
        school: burst.untaken_lessons(staff, share, timezone.localdate())
        for school, staff in per_school.items()
    }
    return spread(found, count)


def prepare_lessons(
    port: int, saves: list[burst.Save], teachers: dict[str, Member], jobs: int
) -> None:
    """GET each lesson's page as its teacher and fill the form the page serves."""

    def one(index: int) -> None:
        save = saves[index]
        save.path = f"/frekwencja/lekcja/{save.course_id}/{save.day.isoformat()}/{save.period_id}/"
        teacher = teachers[save.login]
        status, page, _ = teacher.browser.get(port, save.path)
        if status != 200:
            raise run.BenchError(f"GET {save.path} as {save.login}: HTTP {status}")
        fields, save.expected = burst.fill_form(page, save, random.Random(f"peak:{save.key}"))
        save.body = urllib.parse.urlencode(fields)
        save.cookie = teacher.cookie

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, range(len(saves))))


@dataclass
class ColumnForm:
    """A teacher's "add a column" form as served: where it posts and its fields."""

    login: str
    path: str
    cookie: str
    csrf: str
    category: str
    students: list[str]

    def body(self, rng: random.Random, day: datetime.date) -> str:
        fields = [
            ("csrfmiddlewaretoken", self.csrf),
            ("form_key", str(uuid.uuid4())),  # a new key, as each showing of the form has
            ("category", self.category),
            ("description", "Kartkówka"),
            ("date", day.isoformat()),
            ("weight", ""),
        ]
        fields += [(f"mark-{s}", rng.choice(MARKS)) for s in self.students]
        fields += [(f"comment-{s}", "") for s in self.students]
        return urllib.parse.urlencode(fields)


def column_form(port: int, teacher: Member) -> ColumnForm | None:
    """The column form of the teacher's first course on a numeric scale (None: none has)."""
    from kajet.school.models import Course

    courses = Course.objects.filter(teacher_id=teacher.user_id).order_by("pk")
    for course in courses[:5]:
        status, _, headers = teacher.browser.get(port, f"/oceny/kurs/{course.pk}/")
        sheet = headers.get("location", "")
        if status != 302 or not re.fullmatch(r"/oceny/kurs/\d+/okres/\d+/", sheet):
            continue
        path = sheet + "kolumna/"
        status, page, _ = teacher.browser.get(port, path)
        if status != 200 or 'name="mark-' not in page or "scale-legend" in page:
            continue  # a symbol, points or text scale: the marks would differ
        category = re.search(r'<select name="category"[^>]*>\s*<option value="(\d+)"', page)
        if category is None:
            continue
        return ColumnForm(
            teacher.login,
            path,
            teacher.cookie,
            teacher.browser.form_tokens(page)["csrfmiddlewaretoken"],
            category.group(1),
            re.findall(r'name="mark-(\d+)"', page),
        )
    return None


def column_total() -> int:
    from kajet.grades.models import GradeColumn

    return GradeColumn.objects.count()


# --- The announcement ----------------------------------------------------------------------


@dataclass
class Announcement:
    school_id: int
    guardians: int  # each gets an e-mail (confirmed addresses; urgent)
    status: int = 0
    ms: float = 0.0
    posted_at: float = 0.0
    delivered_s: float | None = None


def announce(port: int, principal: prod_test.Browser, note: Announcement) -> None:
    """The principal's school-wide urgent announcement, through the notice board's form."""
    status, page, _ = principal.get(port, "/ogloszenia/nowe/")
    if status != 200:
        note.status = status
        return
    form = {
        **principal.form_tokens(page),
        "title": "Odwołane zajęcia w czwartek",
        "body": "Szanowni Państwo,\nw czwartek zajęcia kończą się o 12:00 (awaria ogrzewania).",
        "audience": "school",
        "shown_from": datetime.date.today().isoformat(),
        "shown_until": "",
        "urgent": "on",
    }
    note.posted_at = time.monotonic()
    note.status, _, _ = principal.post(port, "/ogloszenia/nowe/", form)
    note.ms = (time.monotonic() - note.posted_at) * 1000


# --- One step ------------------------------------------------------------------------------


@dataclass
class Step:
    workers: int
    connections: int
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    bad_4xx: int = 0
    bad_5xx: int = 0
    signed_out: int = 0
    starved: int = 0
    ok: dict[str, int] = field(default_factory=dict)
    sent: dict[str, list[int]] = field(default_factory=dict)  # kind → per thread
    cpu: topology.CpuSplit | None = None
    load: float = 0.0
    announcement: Announcement | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        announcement_failed = self.announcement is not None and self.announcement.status != 302
        return (
            self.errors + self.bad_4xx + self.bad_5xx + self.signed_out + int(announcement_failed)
        )

    @property
    def under_limit(self) -> bool:
        return self.failures == 0 and self.p95_ms <= P95_LIMIT_MS


PEAK_LINE = re.compile(
    r"KAJET-PEAK requests=(\d+) duration_us=(\d+) p50_us=(\d+) p95_us=(\d+) p99_us=(\d+) "
    r"errors=(\d+) bad_4xx=(\d+) bad_5xx=(\d+) signed_out=(\d+) starved=(\d+) "
    r"ok_signin=(\d+) ok_attendance=(\d+) ok_column=(\d+) sent=(\S+)"
)


def parse_peak_line(output: str, step: Step) -> None:
    """Fill ``step`` from the line bench/peak.lua's done() prints."""
    match = PEAK_LINE.search(output)
    if match is None:
        raise run.BenchError(f"no KAJET-PEAK line in wrk's output:\n{output}")
    numbers = [int(g) for g in match.groups()[:13]]
    step.requests, duration = numbers[0], numbers[1]
    step.seconds = duration / 1e6
    step.p50_ms, step.p95_ms, step.p99_ms = (n / 1000 for n in numbers[2:5])
    step.errors, step.bad_4xx, step.bad_5xx, step.signed_out, step.starved = numbers[5:10]
    step.ok = dict(zip(("signin", "attendance_save", "column_save"), numbers[10:13], strict=True))
    for part in match.group(14).split(","):
        kind, counts = part.split(":")
        step.sent[kind] = [int(n) for n in counts.split("/")]


def write_thread_files(
    prefix: Path,
    *,
    threads: int,
    gets: dict[str, list[tuple[str, str]]],
    signins: list[tuple[str, str, str]],
    saves: list[burst.Save],
    columns: list[tuple[str, str, str]],
) -> tuple[list[list[burst.Save]], list[list[tuple[str, str, str]]]]:
    """One file per wrk thread (bench/peak.lua's format); every thread may read any page and
    sign anyone in; the saves and columns are split between the threads."""
    save_shares = thread_shares(saves, threads)
    column_shares = thread_shares(columns, threads)
    for tid in range(threads):
        lines = [
            f"{kind}\tGET\t{path}\t{cookie}\t"
            for kind, rows in gets.items()
            for path, cookie in rows
        ]
        lines += [f"signin\tPOST\t{path}\t{cookie}\t{body}" for path, cookie, body in signins]
        lines += [
            f"attendance_save\tPOST\t{s.path}\t{s.cookie}\t{s.body}" for s in save_shares[tid]
        ]
        lines += [f"column_save\tPOST\t{p}\t{c}\t{b}" for p, c, b in column_shares[tid]]
        Path(f"{prefix}{tid}.tsv").write_text("\n".join(lines) + "\n")
    return save_shares, column_shares


def run_wrk(
    base: str, prefix: Path, *, weights: str, connections: int, threads: int, seconds: int
) -> tuple[str, float]:
    """One wrk run; returns its output and the CPU seconds wrk used."""
    args = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={LUA}",
        base + "/",
        "--",
        str(prefix),
        weights,
        topology.PROXY_HOST,
        topology.CLIENT_ADDRESS,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise run.BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout, used


# --- Reporting -----------------------------------------------------------------------------

HEADER = "## Morning peak (bench/peak.py)"
INTRO = (
    "The morning mix (families signing in and reading home, grades, attendance, messages; "
    "teachers opening today's lessons, saving attendance and grade columns; one urgent "
    "school-wide announcement by a principal half-way through each step) against the "
    "production topology on loopback (gunicorn with the production settings, PostgreSQL, "
    "Redis, Celery worker and beat, SMTP sink), wrk on the same machine. The knee is the last "
    "step with p95 ≤ 200 ms and no error. CPU: seconds of CPU per second of the step (cores) "
    "of gunicorn / PostgreSQL (the bench database's backends and the server's writers) / "
    "Redis / Celery / wrk / everything else on the machine; ms/req is gunicorn + PostgreSQL + "
    "Redis CPU per request."
)
TABLE_HEAD = (
    "| date (UTC) | commit | machine | dataset | users | workers | knee c | knee req/s "
    "| p50/p95/p99 ms | errors | CPU cores gunicorn/pg/redis/celery/wrk/other | ms/req "
    "| next step | announcement | command |\n"
    "|---|---|---|---|---|---|---:|---:|---:|---:|---|---:|---|---|---|"
)


def cpu_cells(step: Step) -> tuple[str, str]:
    cpu = step.cpu
    if cpu is None or not step.seconds:
        return "-", "-"
    parts = (cpu.gunicorn, cpu.postgres, cpu.redis, cpu.celery, cpu.wrk, cpu.other)
    cores = "/".join(f"{p / cpu.seconds:.2f}" for p in parts)
    per_request = cpu.server / step.requests * 1000 if step.requests else 0.0
    return cores, f"{per_request:.1f}"


def step_line(step: Step) -> str:
    cores, ms = cpu_cells(step)
    note = step.announcement
    told = ""
    if note is not None:
        told = f"  announcement {note.status} in {note.ms:.0f} ms"
    return (
        f"  {step.workers}w {step.connections:4d}c {step.rps:7.1f} req/s  p50 {step.p50_ms:6.1f}"
        f"  p95 {step.p95_ms:6.1f}  p99 {step.p99_ms:6.1f} ms  errors {step.failures}"
        f" (socket {step.errors}, 4xx {step.bad_4xx}, 5xx {step.bad_5xx}, signed out "
        f"{step.signed_out}){'  starved ' + str(step.starved) if step.starved else ''}"
        f"  cores {cores}  {ms} ms/req  load {step.load:.1f}{told}"
    )


def markdown_row(
    knee: Step | None, after: Step | None, *, context: dict[str, str], workers: int
) -> str:
    if knee is None:
        knee_cells = ["-", "none (the first step failed)", "-", "-", "-", "-"]
    else:
        cores, ms = cpu_cells(knee)
        knee_cells = [
            str(knee.connections),
            f"{knee.rps:.0f}",
            f"{knee.p50_ms:.0f}/{knee.p95_ms:.0f}/{knee.p99_ms:.0f}",
            str(knee.failures),
            cores,
            ms,
        ]
    if after is None:
        beyond = "not reached (last step)"
    else:
        cores, ms = cpu_cells(after)
        beyond = (
            f"{after.connections}c: {after.rps:.0f} req/s, p50/p95/p99 {after.p50_ms:.0f}/"
            f"{after.p95_ms:.0f}/{after.p99_ms:.0f} ms, {after.failures} errors, cores {cores}, "
            f"{ms} ms/req"
        )
    note = knee.announcement if knee is not None else None
    told = "-"
    if note is not None:
        delivered = f"{note.delivered_s:.0f} s" if note.delivered_s is not None else "not all"
        told = f"{note.status} in {note.ms:.0f} ms; {note.guardians} e-mails in {delivered}"
    cells = [
        context["date"],
        context["commit"],
        context["machine"],
        context["dataset"],
        context["users"],
        f"gunicorn {workers}w",
        *knee_cells,
        beyond,
        told,
        f"`{context['command']}`",
    ]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def record(lines: list[str]) -> None:
    """Adds the rows to this script's table, kept just above "## Results" (bench/run.py
    appends at the end of the file), as bench/notifications_send.py does."""
    text = run.RESULTS.read_text()
    if HEADER not in text:
        block = f"{HEADER}\n\n{INTRO}\n\n{TABLE_HEAD}\n\n"
        text = text.replace("## Results\n", block + "## Results\n", 1)
    start = text.index(HEADER)
    end = text.index("\n\n## ", start)
    text = text[:end] + "".join("\n" + line for line in lines) + text[end:]
    run.RESULTS.write_text(text)


# --- Main ----------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["xs", "s", "m", "l"], default="m")
    parser.add_argument(
        "--database-url",
        required=True,
        help="PostgreSQL on loopback; the name starts with kajet_bench (dropped and seeded "
        "anew unless --reuse)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument(
        "--var-dir", help="KAJET_VAR_DIR (default /tmp/kajet-peak/var-<database name>)"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="emptied!")
    parser.add_argument("--workers-per-core", default="2", help="comma-separated (2)")
    parser.add_argument("--steps", default="2,4,8,16,32,64", help="wrk connections per step")
    parser.add_argument("--duration", type=int, default=20, help="seconds per step (20)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--families", type=int, default=300, help="families in the pool (300)")
    parser.add_argument("--teachers", type=int, default=60, help="teachers in the pool (60)")
    parser.add_argument(
        "--family-visits-per-lesson",
        type=float,
        default=FAMILY_VISITS_PER_LESSON,
        help=f"the mix: family visits for each lesson started ({FAMILY_VISITS_PER_LESSON:g})",
    )
    parser.add_argument(
        "--signins-per-visit",
        type=float,
        default=FAMILY_VISIT["signin"],
        help=f"the mix: sign-ins per family visit ({FAMILY_VISIT['signin']:g}); each verifies "
        "an Argon2 hash, so above about 5 %% of the requests they alone set the p95",
    )
    parser.add_argument("--pool", type=int, default=400, help="attendance forms at first (400)")
    parser.add_argument("--jobs", type=int, default=4, help="parallel requests preparing (4)")
    parser.add_argument("--mail-wait", type=int, default=90, help="seconds for e-mails (90)")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args(argv)
    args.workers_per_core = [int(n) for n in args.workers_per_core.split(",")]
    args.steps = [int(n) for n in args.steps.split(",")]
    if not 1 <= args.duration <= 300 or not all(1 <= c <= 1024 for c in args.steps):
        parser.error("duration 1–300 s, connections 1–1024")
    if any(c < args.threads for c in args.steps):
        parser.error("every step needs at least as many connections as wrk threads")
    return args


@dataclass
class Pools:
    """What the wrk threads send: pages, sign-ins, and the writes not sent yet."""

    gets: dict[str, list[tuple[str, str]]]
    signins: list[tuple[str, str, str]]
    saves: list[burst.Save]
    columns: list[tuple[str, str, str]]
    sent_saves: list[burst.Save] = field(default_factory=list)
    sent_columns: int = 0
    ok_saves: int = 0
    ok_columns: int = 0


def measure_step(
    *,
    base: str,
    port: int,
    args: argparse.Namespace,
    workers: int,
    connections: int,
    pools: Pools,
    weights: str,
    meter: topology.CpuMeter,
    work: Path,
    principal: prod_test.Browser,
    note: Announcement,
) -> Step:
    step = Step(workers, connections, announcement=note)
    prefix = Path(tempfile.mkdtemp(prefix="step-", dir=work)) / "thread-"
    save_shares, column_shares = write_thread_files(
        prefix,
        threads=args.threads,
        gets=pools.gets,
        signins=pools.signins,
        saves=pools.saves,
        columns=pools.columns,
    )
    timer = threading.Timer(args.duration / 2, announce, args=(port, principal, note))
    step.load = os.getloadavg()[0]
    before, busy = meter.read(), topology.machine_busy()
    started = time.monotonic()
    timer.start()
    output, wrk_cpu = run_wrk(
        base,
        prefix,
        weights=weights,
        connections=connections,
        threads=args.threads,
        seconds=args.duration,
    )
    seconds = time.monotonic() - started
    after, busy_after = meter.read(), topology.machine_busy()
    timer.join()
    step.cpu = meter.split(before, after, seconds=seconds, wrk=wrk_cpu, machine=busy_after - busy)
    parse_peak_line(output, step)
    used = [
        s
        for tid, share in enumerate(save_shares)
        for s in share[: step.sent["attendance_save"][tid]]
    ]
    gone = {id(s) for s in used}
    pools.sent_saves.extend(used)
    pools.saves = [s for s in pools.saves if id(s) not in gone]
    columns_used = [
        c for tid, share in enumerate(column_shares) for c in share[: step.sent["column_save"][tid]]
    ]
    pools.sent_columns += len(columns_used)
    gone = {id(c) for c in columns_used}
    pools.columns = [c for c in pools.columns if id(c) not in gone]
    pools.ok_saves += step.ok["attendance_save"]
    pools.ok_columns += step.ok["column_save"]
    return step


def wait_for_mail(count: Any, expected: int, note: Announcement, seconds: int) -> None:
    """Waits until the sink has ``expected`` messages in all; sets the delivery time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if count.value >= expected:
            note.delivered_s = time.monotonic() - note.posted_at
            return
        time.sleep(0.2)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed. Install it with: apt-get install wrk", file=sys.stderr)
        return 2
    run.require_loopback_url(args.database_url)
    run.require_loopback_url(args.redis)
    name = urllib.parse.urlsplit(args.database_url).path.lstrip("/")
    var_dir = Path(args.var_dir or f"/tmp/kajet-peak/var-{name}")
    var_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kajet-peak-"))
    context = {
        "commit": run.git_commit(),
        "command": shlex.join([".venv/bin/python", "bench/peak.py", *argv]),
    }
    sink = None
    top: topology.Topology | None = None
    try:
        plain_env = run.server_env(var_dir, args.database_url)
        if args.reuse:
            context["dataset"] = f"{args.size.upper()} (reused)"
            run.run_checked(
                [str(run.PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"],
                env=plain_env,
                timeout=300,
            )
        else:
            run.recreate_postgres(args.database_url)
            print(f"Seeding dataset {args.size.upper()} ...", file=sys.stderr)
            seconds = run.prepare(args.size, plain_env)
            context["dataset"] = f"{args.size.upper()} (seeded in {seconds:.0f} s)"
        run.django_setup(plain_env)
        import redis
        from django_scopes import scopes_disabled

        redis.Redis.from_url(args.redis).flushdb()
        with scopes_disabled():
            families = pick_families(args.families)
            teachers = pick_teachers(args.teachers)
            schools = sorted({m.school_id for m in families + teachers})
            announcing = schools[: max(1, min(len(schools), 8))]
            principals = {s: principal_of(s) for s in announcing}
            guardians = {s: notifications_send.confirm_guardians(s) for s in announcing}
            saves = lessons_to_take(teachers, args.pool)
        context["users"] = (
            f"{len(families)} families, {len(teachers)} teachers, {len(schools)} schools"
        )
        print(f"Pool: {context['users']}; {len(saves)} untaken lessons", file=sys.stderr)
        if not saves:
            raise run.BenchError("no untaken lessons for the teachers of the pool")
        sink, count, smtp_port = notifications_send.start_sink()
        env = topology.production_env(
            work, database_url=args.database_url, redis_url=args.redis, smtp_port=smtp_port
        )
        env["KAJET_VAR_DIR"] = str(var_dir)
        (work / "var").mkdir(exist_ok=True)
        top = topology.Topology(work, env, (run.free_port(), 0), smtp_port)
        top.worker()
        top.beat()
        family_visit = {**FAMILY_VISIT, "signin": args.signins_per_visit}
        weights = weights_arg(mix_weights(args.family_visits_per_lesson, family=family_visit))
        print(f"Mix: {weights}", file=sys.stderr)
        rows: list[str] = []
        expected_mail = 0
        all_steps: list[Step] = []
        pools: Pools | None = None
        step_number = 0
        for per_core in args.workers_per_core:
            workers = per_core * (os.cpu_count() or 1)
            port = run.free_port()
            top.web(port, workers)
            prod_test.wait_for("/healthz", functools.partial(prod_test.healthy, port), timeout=90)
            base = f"http://127.0.0.1:{port}"
            if pools is None:
                started = time.monotonic()
                sign_in_all(port, families + teachers, args.jobs)
                by_login = {t.login: t for t in teachers}
                prepare_lessons(port, saves, by_login, args.jobs)
                with scopes_disabled():
                    forms = [f for t in teachers if (f := column_form(port, t)) is not None]
                if not forms:
                    raise run.BenchError("no teacher of the pool has a numeric grade sheet")
                day = datetime.date.today()
                rng = random.Random("peak-columns")
                columns = [(f.path, f.cookie, f.body(rng, day)) for _ in range(20) for f in forms]
                lesson_pages: dict[str, list[tuple[str, str]]] = {}
                for s in saves:
                    lesson_pages.setdefault(s.login, []).append((s.path, s.cookie))
                first_day = {s.login: s.day for s in reversed(saves)}
                gets = {
                    "home": [("/", m.cookie) for m in families],
                    "grades": [(f"/oceny/uczen/{m.student_id}/", m.cookie) for m in families],
                    "attendance": [("/frekwencja/uczen/", m.cookie) for m in families],
                    "inbox": [("/wiadomosci/", m.cookie) for m in families],
                    "today": [
                        (f"/frekwencja/dzis/?data={first_day[t.login].isoformat()}", t.cookie)
                        for t in teachers
                        if t.login in first_day
                    ],
                    "lesson": [row for rows in lesson_pages.values() for row in rows],
                }
                for kind, rows_of_kind in gets.items():
                    path, cookie = rows_of_kind[0]
                    status = prod_test.Browser(
                        dict(c.split("=", 1) for c in cookie.split("; "))
                    ).get(port, path)[0]
                    if status != 200:
                        raise run.BenchError(f"{kind}: GET {path} answered {status}")
                pools = Pools(gets, signin_requests(port, families + teachers), saves, columns)
                with scopes_disabled():
                    columns_before = column_total()
                print(
                    f"Signed in and prepared {len(saves)} attendance forms, {len(forms)} grade "
                    f"column forms ({time.monotonic() - started:.0f} s)",
                    file=sys.stderr,
                )
            context["date"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
            context["machine"] = run.machine()
            meter = topology.CpuMeter(top, database_url=args.database_url, redis_url=args.redis)
            steps: list[Step] = []
            for connections in args.steps:
                school = announcing[step_number % len(announcing)]
                step_number += 1
                principal = prod_test.Browser()
                status, _ = principal.sign_in(port, principals[school], PASSWORD)
                if status != 302:
                    raise run.BenchError(f"the principal's sign-in answered {status}")
                note = Announcement(school, guardians[school])
                needed = connections * 4
                if steps:  # 1.5 × what the last step's rate would use in this step
                    share = steps[-1].sent["attendance_save"]
                    needed += int(sum(share) / steps[-1].seconds * args.duration * 1.5)
                if len(pools.saves) < needed:
                    pools.saves.extend(
                        top_up_lessons(port, teachers, pools, needed - len(pools.saves), args)
                    )
                step = measure_step(
                    base=base,
                    port=port,
                    args=args,
                    workers=workers,
                    connections=connections,
                    pools=pools,
                    weights=weights,
                    meter=meter,
                    work=work,
                    principal=principal,
                    note=note,
                )
                if note.status == 302:
                    expected_mail += note.guardians
                    wait_for_mail(count, expected_mail, note, args.mail_wait)
                print(step_line(step), file=sys.stderr)
                steps.append(step)
                if not step.under_limit:
                    break
            all_steps += steps
            under = [s for s in steps if s.under_limit]
            knee = under[-1] if under else None
            after = steps[len(under)] if len(under) < len(steps) else None
            rows.append(markdown_row(knee, after, context=context, workers=workers))
            top.kill("web", signal.SIGTERM)
        assert pools is not None
        with scopes_disabled():
            saved, marks = burst.verify(pools.sent_saves, successes=pools.ok_saves)
            columns_made = column_total() - columns_before
        in_flight = sum(s.connections for s in all_steps)
        print(
            f"Checked in the database: {saved} of {len(pools.sent_saves)} attendance saves sent "
            f"are saved with the marks of their forms ({marks} marks), {pools.ok_saves} answered "
            f"with the redirect; {columns_made} grade columns for {pools.sent_columns} sent "
            f"({pools.ok_columns} redirects); e-mails received {count.value} of {expected_mail}",
            file=sys.stderr,
        )
        problems = []
        if saved < len(pools.sent_saves) - in_flight:
            problems.append("attendance saves sent but not saved (beyond those in flight)")
        if columns_made < pools.ok_columns:
            problems.append("fewer grade columns than redirects")
        if any(s.bad_5xx for s in all_steps):
            problems.append("5xx answers")
        if count.value < expected_mail:
            problems.append("e-mails of the announcements missing")
        for line in rows:
            print(line)
        if problems:
            raise run.BenchError("; ".join(problems))
        if args.record:
            record(rows)
            print("Appended to bench/RESULTS.md", file=sys.stderr)
        return 0
    except run.BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        if top is not None:
            top.stop_all()
        if sink is not None:
            sink.terminate()
        try:
            import redis

            redis.Redis.from_url(args.redis).flushdb()
        except Exception as error:  # cleanup must not hide the result
            print(f"cleanup: {error}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


def top_up_lessons(
    port: int,
    teachers: list[Member],
    pools: Pools,
    count: int,
    args: argparse.Namespace,
) -> list[burst.Save]:
    """``count`` more untaken lessons (not prepared before), their forms filled."""
    from django_scopes import scopes_disabled

    started = time.monotonic()
    known = {s.key for s in pools.saves + pools.sent_saves}
    with scopes_disabled():
        found = lessons_to_take(teachers, count + len(known))
    more = [s for s in found if s.key not in known][:count]
    prepare_lessons(port, more, {t.login: t for t in teachers}, args.jobs)
    print(
        f"Prepared {len(more)} more attendance forms ({time.monotonic() - started:.0f} s)",
        file=sys.stderr,
    )
    return more


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
