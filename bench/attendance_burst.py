"""The morning burst: many teachers saving attendance at once, against the no-op endpoint in
the same run, on the production server (issue 5).

    .venv/bin/python bench/attendance_burst.py --size m
    .venv/bin/python bench/attendance_burst.py --size m --connections 8,16 \
        --database-url postgres://postgres@127.0.0.1:5432/kajet_bench

Steps (see bench/README.md): seed the dataset as bench/run.py does (fresh SQLite in a temporary
var dir, or a fresh PostgreSQL database with ``--database-url``); start the same gunicorn; sign
every teacher of school 1 who teaches in through the real sign-in form; list their timetable
lessons (the selector behind the teacher's "today" page) on the school days before the seeded
attendance, lessons nobody has taken yet, ordered day by day, period by period, teacher by
teacher; GET each lesson's take-attendance page as its teacher and build the POST body from the
form the page gives (every field as served, CSRF token included; about 5% absent, 3% late, the
rest present, a topic); then wrk POSTs those forms (bench/attendance_burst.lua: every request
a different teacher and lesson, so every save is a first save) alternating with the no-op
endpoint, exactly as bench/run.py does for pages. Every answer must be the redirect back to
the lesson; afterwards every saved lesson's marks are checked in the database. Queries per save
(first save and an edit) are counted once in process.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import cProfile
import datetime
import http.cookiejar
import io
import os
import pstats
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: dataset, server, sign-in, wrk on GET pages)

LUA = run.BENCH_DIR / "attendance_burst.lua"
PASSWORD = "kajet-bench"
TOPICS = ("Praca z tekstem", "Rozwiązywanie zadań", "Powtórzenie wiadomości", "Ćwiczenia")
#: The share of students marked absent and late in a prepared save (the rest stay present).
ABSENT_SHARE = 0.05
LATE_SHARE = 0.03
FORM = "application/x-www-form-urlencoded"


# --- The take-attendance form as the page serves it ----------------------------------------


@dataclass
class Select:
    name: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, data-code)
    selected: str | None = None


class SheetParser(HTMLParser):
    """The fields of the attendance form (``<form data-attendance-sheet>``): inputs with their
    values (hidden ones included: the CSRF token, and whatever else the page carries, e.g.
    per-mark versions), textareas and selects with their options."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self.selects: dict[str, Select] = {}
        self._select: Select | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "data-attendance-sheet" in a:
            self.in_form = self.found = True
        if not self.in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "file", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = Select(a["name"])
            self.selects[a["name"]] = self._select
            self.fields.append((a["name"], ""))  # filled from the options
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append((value, a.get("data-code", "")))
            if "selected" in a:
                self._select.selected = value
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None


@dataclass
class Save:
    """One prepared save: the lesson, its teacher, the POST body and what it should write."""

    login: str
    teacher_id: int
    course_id: int
    day: datetime.date
    period_id: int
    period_number: int
    path: str = ""
    body: str = ""
    cookie: str = ""
    expected: dict[int, int] = field(default_factory=dict)  # student id → type id

    @property
    def key(self) -> tuple[int, datetime.date, int]:
        return (self.course_id, self.day, self.period_id)


def form_html(html: str) -> str:
    """Only the attendance form of the page (parsing the whole page would cost the
    preparation several times as much)."""
    marker = html.find("data-attendance-sheet")
    start = html.rfind("<form", 0, marker)
    end = html.find("</form>", marker)
    if marker < 0 or start < 0 or end < 0:
        return html
    return html[start : end + len("</form>")]


def fill_form(
    html: str, save: Save, rng: random.Random
) -> tuple[list[tuple[str, str]], dict[int, int]]:
    """The POST fields of the page's form with a realistic choice; returns (fields, expected
    student id → type id)."""
    parser = SheetParser()
    parser.feed(form_html(html))
    if not parser.found:
        raise run.BenchError(f"{save.path}: no attendance form on the page")
    fields: list[tuple[str, str]] = []
    expected: dict[int, int] = {}
    for name, value in parser.fields:
        select = parser.selects.get(name)
        if select is not None:
            value = select.selected or (select.options[0][0] if select.options else "")
            by_code = {code: v for v, code in select.options if code}
            r = rng.random()
            if r < ABSENT_SHARE:
                value = by_code.get("nb", select.options[1][0])
            elif r < ABSENT_SHARE + LATE_SHARE:
                value = by_code.get("sp", select.options[3][0])
            match = re.fullmatch(r"s(\d+)", name)
            if match:
                expected[int(match.group(1))] = int(value)
        elif name == "topic" and not value:
            value = rng.choice(TOPICS)
        fields.append((name, value))
    if not expected:
        raise run.BenchError(f"{save.path}: the form lists no students")
    if not any(name == "csrfmiddlewaretoken" for name, _ in fields):
        raise run.BenchError(f"{save.path}: the form has no CSRF token")
    return fields, expected


# --- Teachers and their lessons ------------------------------------------------------------


class Teacher:
    """A teacher signed in through the real form, with their own cookie jar."""

    def __init__(self, base: str, login: str, user_id: int) -> None:
        self.login, self.user_id = login, user_id
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), run._NoRedirect()
        )
        url = f"{base}/konto/logowanie/?jako=pracownik"
        with self.opener.open(url, timeout=30) as response:
            html = response.read().decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if match is None:
            raise run.BenchError("no CSRF token on the sign-in page")
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": match.group(1), "login": login, "password": PASSWORD}
        ).encode()
        status = self.status_of(urllib.request.Request(url, data=body, headers={"Referer": url}))
        if status != 302 or "sessionid" not in self.cookies():
            raise run.BenchError(f"sign-in as {login} failed: HTTP {status}")

    def cookies(self) -> dict[str, str]:
        return {c.name: c.value for c in self.jar if c.value is not None}

    def status_of(self, request: urllib.request.Request) -> int:
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                status: int = response.status
                return status
        except urllib.error.HTTPError as error:
            return error.code

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=60) as response:
            if response.status != 200:
                raise run.BenchError(f"GET {url} as {self.login}: HTTP {response.status}")
            text: str = response.read().decode()
            return text


def teaching_staff(school_id: int, limit: int) -> list[tuple[str, int]]:
    """(login, id) of the school's teachers who teach a course, by login."""
    from kajet.accounts.models import User
    from kajet.school.models import Course

    ids = set(Course.objects.filter(school_id=school_id).values_list("teacher_id", flat=True))
    rows = list(User.objects.filter(pk__in=ids).order_by("login").values_list("login", "pk"))
    return rows[:limit] if limit else rows


def untaken_lessons(
    teachers: Sequence[tuple[str, int]], count: int, today: datetime.date
) -> list[Save]:
    """Up to ``count`` timetable lessons of these teachers nobody has taken yet, going back
    from yesterday two weeks at a time; within a day by period, then teacher. A teacher's
    lessons are those of the "today" page (``teacher_lessons_held_on``: their own and the
    ones they substitute, without cancelled ones), read for two weeks in one call; school
    days off are skipped."""
    from kajet.accounts.models import User
    from kajet.attendance.models import Lesson
    from kajet.school.models import SchoolYear
    from kajet.timetable.selectors import days_off, lessons_for_teacher

    users = {u.pk: u for u in User.objects.filter(pk__in=[pk for _, pk in teachers])}
    school = users[teachers[0][1]].school_id
    year = SchoolYear.objects.get(school_id=school, is_current=True)
    saves: list[Save] = []
    end = min(today, year.ends_on) - datetime.timedelta(days=1)
    while len(saves) < count and end >= year.starts_on:
        start = max(year.starts_on, end - datetime.timedelta(days=13))
        held = set(
            Lesson.objects.filter(school_id=school, date__range=(start, end)).values_list(
                "course_id", "date", "period_id"
            )
        )
        off = days_off(year.school_id, start, end)
        found = [
            Save(login, pk, o.course_id, o.date, o.period_id, o.period_number)
            for login, pk in teachers
            for o in lessons_for_teacher(users[pk], start, end)
            if o.is_held
            and o.teacher_id == pk
            and o.date not in off
            and (o.course_id, o.date, o.period_id) not in held
        ]
        found.sort(key=lambda s: (-s.day.toordinal(), s.period_number, s.login))
        saves.extend(found)
        end = start - datetime.timedelta(days=1)
    return saves[:count]


def prepare_saves(base: str, saves: list[Save], teachers: dict[str, Teacher], jobs: int) -> None:
    """GET every lesson's page as its teacher and fill its form (in parallel)."""

    def one(index: int) -> None:
        save = saves[index]
        save.path = f"/frekwencja/lekcja/{save.course_id}/{save.day.isoformat()}/{save.period_id}/"
        teacher = teachers[save.login]
        html = teacher.get(base + save.path)
        fields, save.expected = fill_form(html, save, random.Random(f"burst:{index}"))
        save.body = urllib.parse.urlencode(fields)
        cookies = teacher.cookies()
        save.cookie = f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for _ in pool.map(one, range(len(saves))):
            pass


def check_today_pages(base: str, saves: list[Save], teachers: dict[str, Teacher]) -> None:
    """Each teacher's "today" page for the day of their first prepared lesson links to it."""
    seen: set[str] = set()
    for save in saves:
        if save.login in seen:
            continue
        seen.add(save.login)
        html = teachers[save.login].get(f"{base}/frekwencja/dzis/?data={save.day.isoformat()}")
        if save.path not in html:
            raise run.BenchError(f"{save.login}'s day page of {save.day} lacks {save.path}")


# --- In process: queries and CPU of a save -------------------------------------------------


@dataclass
class InProcess:
    noop_queries: int
    first_queries: int
    edit_queries: int
    first_ms: list[float]
    edit_ms: list[float]
    noop_ms: list[float]
    profile: str


def in_process(saves: list[Save], *, profile: bool) -> InProcess:
    """Through Django's test client (every middleware): the queries of a first save and of an
    edit (three marks changed), CPU ms of saves and of the no-op; optionally a cProfile."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[str, Client] = {}

    def client_of(login: str) -> Client:
        if login not in clients:
            client = Client(HTTP_HOST=run.HOST)
            signed = client.post(
                "/konto/logowanie/?jako=pracownik", {"login": login, "password": PASSWORD}
            )
            if signed.status_code != 302:
                raise run.BenchError(f"in-process sign-in as {login}: HTTP {signed.status_code}")
            clients[login] = client
        return clients[login]

    def post(save: Save, index: int, *, edit: bool = False) -> tuple[float, int]:
        """GET the page, fill its form (an edit: three students' marks changed), POST it;
        returns the CPU ms and the queries of the POST alone."""
        client = client_of(save.login)
        page = client.get(save.path)
        if page.status_code != 200:
            raise run.BenchError(f"in-process GET {save.path}: HTTP {page.status_code}")
        html = page.content.decode()
        fields, _ = fill_form(html, save, random.Random(f"ip:{index}"))
        if edit:
            change_three_marks(html, fields)
        body = urllib.parse.urlencode(fields)  # as a browser sends the form
        if profiler is not None:
            profiler.enable()
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            response = client.post(save.path, body, content_type=FORM)
            elapsed = (time.process_time() - started) * 1000
        if profiler is not None:
            profiler.disable()
        if response.status_code != 302:
            raise run.BenchError(f"in-process POST {save.path}: HTTP {response.status_code}")
        return elapsed, len(queries)

    profiler: cProfile.Profile | None = None
    _, first = post(saves[0], 0)
    _, edit = post(saves[0], 0, edit=True)
    noop_client = client_of(saves[0].login)
    noop_client.get(run.NOOP)
    with CaptureQueriesContext(connection) as queries:
        noop_client.get(run.NOOP)
    noop_queries = len(queries)
    profiler = cProfile.Profile() if profile else None
    first_ms, edit_ms, noop_ms = [], [], []
    for index, save in enumerate(saves[1:], start=1):
        started = time.process_time()
        noop_client.get(run.NOOP)
        noop_ms.append((time.process_time() - started) * 1000)
        first_ms.append(post(save, index)[0])
        edit_ms.append(post(save, index, edit=True)[0])
    text = profile_text(profiler) if profiler is not None else ""
    return InProcess(noop_queries, first, edit, first_ms, edit_ms, noop_ms, text)


def change_three_marks(html: str, fields: list[tuple[str, str]]) -> None:
    """An edit of a saved sheet: three students' marks switch between present and absent."""
    by_code = {code: value for value, code in type_options(html)}
    students = [i for i, (name, _) in enumerate(fields) if re.fullmatch(r"s\d+", name)]
    for i in students[:3]:
        name, value = fields[i]
        fields[i] = (name, by_code["ob"] if value == by_code["sp"] else by_code["sp"])


def profile_text(profiler: cProfile.Profile) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"kajet", 25)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


def type_options(html: str) -> list[tuple[str, str]]:
    """(value, code) of the attendance types offered for the first student of the form."""
    parser = SheetParser()
    parser.feed(form_html(html))
    return next(iter(parser.selects.values())).options


# --- wrk -----------------------------------------------------------------------------------


@dataclass
class BurstRound(run.WrkRound):
    sent: int = 0
    reused: int = 0


def burst(
    base: str,
    pool: list[Save],
    *,
    seconds: int,
    connections: int,
    threads: int,
    work: Path,
) -> tuple[BurstRound, list[Save]]:
    """One wrk run POSTing the saves of ``pool`` (split round-robin between the threads);
    returns the round and the saves it sent."""
    if len(pool) < threads:
        raise run.BenchError("the prepared lessons are used up; raise --pool")
    prefix = Path(tempfile.mkdtemp(prefix="run-", dir=work)) / "thread-"
    shares = [pool[tid::threads] for tid in range(threads)]
    for tid, share in enumerate(shares):
        lines = [f"{s.path}\t{s.cookie}\t{s.body}\n" for s in share]
        Path(f"{prefix}{tid}.tsv").write_text("".join(lines))
    args = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=30s",
        f"--script={LUA}",
        base + pool[0].path,
        "--",
        str(prefix),
    ]
    result = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, check=False)
    match = re.search(
        r"KAJET-WRK requests=(\d+) duration_us=(\d+) p50_us=(\d+) p95_us=(\d+) p99_us=\d+ "
        r"errors=(\d+) not_200=(\d+) sent=(\d+) reused=(\d+) per_thread=([\d,]+)",
        result.stdout,
    )
    if result.returncode != 0 or match is None:
        raise run.BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    requests, duration, p50, p95, errors, bad, sent, reused = (int(g) for g in match.groups()[:8])
    per_thread = [int(n) for n in match.group(9).split(",")]
    used = [s for tid, share in enumerate(shares) for s in share[: per_thread[tid]]]
    wrk_round = BurstRound(
        requests, duration / 1e6, p50 / 1000, p95 / 1000, errors, bad, sent, reused
    )
    return wrk_round, used


@dataclass
class Level:
    connections: int
    noop: run.Series = field(default_factory=run.Series)
    saves: run.Series = field(default_factory=run.Series)
    sent: int = 0
    reused: int = 0


def measure(
    base: str,
    saves: list[Save],
    noop_session: str,
    args: argparse.Namespace,
    work: Path,
    top_up: Callable[[int], list[Save]],
) -> tuple[list[Level], list[Save]]:
    """For each connection count: warm-up, then rounds alternating noop and burst. Every burst
    starts with the prepared saves no earlier run has sent. Before the second and later
    connection counts the pool is topped up (``top_up(n)`` prepares n more) to 1.5 times what
    the previous count's rate would use, and before any burst to 1.5 times what the previous
    burst's rate would use in it. Returns the levels and the saves that were sent."""
    pool = list(saves)
    sent: list[Save] = []
    levels: list[Level] = []

    last_rate = 0.0  # saves/s of the previous burst

    def post(connections: int, seconds: int) -> BurstRound:
        nonlocal pool, last_rate
        needed = int(last_rate * seconds * 1.5) + 4 * connections
        if len(pool) < needed:  # a faster machine than the pool was sized for
            pool.extend(top_up(needed - len(pool)))
        result, used = burst(
            base,
            pool,
            seconds=seconds,
            connections=connections,
            threads=args.threads,
            work=work,
        )
        if result.reused:
            raise run.BenchError(
                f"the prepared lessons ran out ({result.reused} sent again); raise --pool"
            )
        last_rate = result.requests / result.seconds if result.seconds else 0.0
        gone = {id(s) for s in used}
        sent.extend(used)
        pool = [s for s in pool if id(s) not in gone]
        return result

    for connections in args.connections:
        level = Level(connections)
        if levels:
            seconds = args.warmup + args.rounds * args.duration
            needed = int(levels[-1].saves.rps * seconds * 1.5) + 4 * connections
            if len(pool) < needed:
                pool.extend(top_up(needed - len(pool)))

        def noop(seconds: int, c: int = connections) -> run.WrkRound:
            return run.wrk(
                base + run.NOOP,
                session=noop_session,
                seconds=seconds,
                connections=c,
                threads=args.threads,
            )

        if args.warmup:
            noop(args.warmup)
            warm = post(connections, args.warmup)
            level.sent += warm.sent
            level.reused += warm.reused
            if warm.errors or warm.not_200:
                raise run.BenchError(f"warm-up: {warm.errors} errors, {warm.not_200} bad answers")
        for number in range(1, args.rounds + 1):
            for name in ("noop", "save"):
                result = noop(args.duration) if name == "noop" else post(connections, args.duration)
                if isinstance(result, BurstRound):
                    level.saves.rounds.append(result)
                    level.sent += result.sent
                    level.reused += result.reused
                else:
                    level.noop.rounds.append(result)
                rps = result.requests / result.seconds
                print(
                    f"  {connections}c round {number}/{args.rounds} {name:<5} {rps:8.1f} req/s"
                    f"  p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms"
                    + (f"  bad {result.errors + result.not_200}" if result.not_200 else ""),
                    file=sys.stderr,
                )
        levels.append(level)
    return levels, sent


# --- Checking the database -----------------------------------------------------------------


def verify(saves: list[Save], *, successes: int) -> tuple[int, int]:
    """Every lesson wrk saved has exactly the marks its form asked for, its topic and its
    teacher; returns (lessons saved, marks checked). At least ``successes`` lessons must exist
    (a redirect answered each of them)."""
    from django.db.models import Q

    from kajet.attendance.models import AttendanceMark, Lesson

    lessons: dict[tuple[int, datetime.date, int], Any] = {}
    for start in range(0, len(saves), 300):
        chunk = Q()
        for s in saves[start : start + 300]:
            chunk |= Q(course_id=s.course_id, date=s.day, period_id=s.period_id)
        for lesson in Lesson.objects.filter(chunk):
            lessons[(lesson.course_id, lesson.date, lesson.period_id)] = lesson
    marks: dict[int, dict[int, int]] = {}
    ids = [lesson.pk for lesson in lessons.values()]
    for start in range(0, len(ids), 500):
        for lesson_id, student_id, type_id in AttendanceMark.objects.filter(
            lesson_id__in=ids[start : start + 500]
        ).values_list("lesson_id", "student_id", "type_id"):
            marks.setdefault(lesson_id, {})[student_id] = type_id
    checked = 0
    for s in saves:
        lesson = lessons.get(s.key)
        if lesson is None:
            continue
        if lesson.teacher_id != s.teacher_id or not lesson.topic:
            raise run.BenchError(f"{s.path}: saved with teacher {lesson.teacher_id}, no topic?")
        if marks.get(lesson.pk, {}) != s.expected:
            raise run.BenchError(f"{s.path}: the marks in the database differ from the form")
        checked += len(s.expected)
    if len(lessons) < successes:
        raise run.BenchError(f"{successes} saves answered with a redirect, {len(lessons)} saved")
    return len(lessons), checked


# --- Reporting -----------------------------------------------------------------------------


def markdown_row(
    level: Level,
    *,
    args: argparse.Namespace,
    context: dict[str, str],
    teachers: int,
    queries: tuple[int, int, int],
) -> str:
    ratio = level.saves.rps / level.noop.rps if level.noop.rps else 0.0
    invalid = level.noop.failures + level.saves.failures
    kind = "first saves" if not level.reused else f"{level.reused} of {level.sent} re-saves"
    cells = [
        context["date"],
        context["commit"],
        context["machine"],
        context["dataset"],
        context["db"],
        f"gunicorn {args.workers}w",
        "attendance-burst",
        f"{teachers} teachers",
        f"`POST /frekwencja/lekcja/…` ({kind}, {level.sent} sent)",
        f"{level.connections}c/{args.threads}t {args.rounds}×{args.duration}s",
        f"{level.noop.rps:.0f}",
        f"{level.noop.p50:.1f}/{level.noop.p95:.1f}",
        f"{level.saves.rps:.1f}",
        f"{level.saves.p50:.1f}/{level.saves.p95:.1f}",
        f"{ratio:.2f}" + (f" INVALID ({invalid} errors/bad answers)" if invalid else ""),
        f"{queries[0]}/{queries[1]} (edit {queries[2]})",
        f"`{context['command']}`",
    ]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def record(lines: list[str], context: dict[str, str]) -> None:
    """Appends a small section with its own table at the end of bench/RESULTS.md."""
    block = (
        f"\n### {context['date']}: attendance morning burst (bench/attendance_burst.py, "
        f"{context['db']})\n\n" + run.RESULTS_HEADER + "".join(line + "\n" for line in lines)
    )
    text = run.RESULTS.read_text()
    with run.RESULTS.open("a") as results:
        results.write(("" if text.endswith("\n") else "\n") + block)


# --- Main ----------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["xs", "s", "m", "l"], default="m")
    parser.add_argument(
        "--connections", default="8", help="comma-separated wrk connection counts (8)"
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of noop+burst (3)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds per target (3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--teachers", type=int, default=0, help="at most this many (0: all)")
    parser.add_argument(
        "--pool",
        type=int,
        default=2500,
        help="lessons prepared for the first connection count (2500; each POSTed once; later "
        "counts are topped up from the rate measured)",
    )
    parser.add_argument("--jobs", type=int, default=4, help="parallel GETs while preparing (4)")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also save N lessons in process under cProfile and print where the time goes",
    )
    parser.add_argument("--database-url", help="PostgreSQL as in bench/run.py (dropped!)")
    parser.add_argument(
        "--var-dir",
        help="reuse this already seeded var dir (SQLite) instead of seeding a fresh one; "
        "its database keeps the saved lessons",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    args.connections = [int(c) for c in args.connections.split(",")]
    if not 1 <= args.rounds <= 20 or not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 60:
        parser.error("rounds 1–20, duration 1–120 s, warm-up 0–60 s")
    if args.var_dir and args.database_url:
        parser.error("--var-dir is for SQLite only")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed. Install it with: apt-get install wrk", file=sys.stderr)
        return 2
    temporary = not args.var_dir
    var_dir = Path(args.var_dir) if args.var_dir else Path(tempfile.mkdtemp(prefix="kajet-burst-"))
    work = Path(tempfile.mkdtemp(prefix="kajet-burst-wrk-"))
    context = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "commit": run.git_commit(),
        "db": "postgresql" if args.database_url else "sqlite",
        "command": shlex.join([".venv/bin/python", "bench/attendance_burst.py", *argv]),
    }
    try:
        env = run.server_env(var_dir, args.database_url)
        if temporary:
            if args.database_url:
                run.recreate_postgres(args.database_url)
            print(f"Seeding dataset {args.size.upper()} in {var_dir} ...", file=sys.stderr)
            seconds = run.prepare(args.size, env)
            context["dataset"] = f"{args.size.upper()} (seeded in {seconds:.0f} s)"
        else:
            context["dataset"] = f"{args.size.upper()} (reused)"
        run.django_setup(env)
        from django.utils import timezone
        from django_scopes import scopes_disabled

        with scopes_disabled():
            logins = run.login_facts("b1.teacher")
            staff = teaching_staff(int(str(logins["school_id"])), args.teachers)
            started = time.perf_counter()
            reserve = 1 + args.profile
            saves = untaken_lessons(staff, args.pool + reserve, timezone.localdate())
        if len(saves) < args.pool + reserve:
            raise run.BenchError(f"only {len(saves)} untaken lessons; lower --pool")
        spare, saves = saves[-reserve:], saves[:-reserve]
        used_teachers = sorted({s.login for s in saves})
        print(
            f"{len(saves)} lessons of {len(used_teachers)} teachers, {saves[-1].day} to "
            f"{saves[0].day} ({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
        )
        with run.production_server(
            env, workers=args.workers, log=var_dir / "burst-gunicorn.log"
        ) as base:
            started = time.perf_counter()
            ids = dict(staff)
            with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as sign_ins:
                signed = sign_ins.map(lambda login: Teacher(base, login, ids[login]), used_teachers)
                teachers = {teacher.login: teacher for teacher in signed}
            signed_in = time.perf_counter()
            prepare_saves(base, saves, teachers, args.jobs)
            check_today_pages(base, saves, teachers)
            print(
                f"Signed in {len(teachers)} teachers ({signed_in - started:.0f} s), prepared "
                f"{len(saves)} forms ({time.perf_counter() - signed_in:.0f} s)",
                file=sys.stderr,
            )
            noop_session = teachers[used_teachers[0]].cookies()["sessionid"]
            if run.get_status(base + run.NOOP, noop_session) != 200:
                raise run.BenchError("the no-op endpoint does not answer 200")
            with scopes_disabled():
                for s in spare:
                    s.path = f"/frekwencja/lekcja/{s.course_id}/{s.day.isoformat()}/{s.period_id}/"
                measured = in_process(spare, profile=bool(args.profile))
            print(
                f"In process: first save {measured.first_queries} queries, edit "
                f"{measured.edit_queries}"
                + (
                    f"; CPU ms: no-op {statistics.median(measured.noop_ms):.1f}, first save "
                    f"{statistics.median(measured.first_ms):.1f}, edit "
                    f"{statistics.median(measured.edit_ms):.1f}"
                    if measured.first_ms
                    else ""
                ),
                file=sys.stderr,
            )
            if measured.profile:
                print(measured.profile, file=sys.stderr)
            # The time and load average as the measurements start (as bench/run.py records).
            context["date"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
            context["machine"] = run.machine()
            prepared = {s.key for s in saves + spare}

            def top_up(count: int) -> list[Save]:
                started = time.perf_counter()
                with scopes_disabled():
                    found = untaken_lessons(staff, count + len(prepared), timezone.localdate())
                more = [s for s in found if s.key not in prepared][:count]
                prepared.update(s.key for s in more)
                for login in sorted({s.login for s in more} - set(teachers)):
                    teachers[login] = Teacher(base, login, ids[login])
                prepare_saves(base, more, teachers, args.jobs)
                print(
                    f"Prepared {len(more)} more forms ({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                )
                return more

            levels, sent = measure(base, saves, noop_session, args, work, top_up)
            load_after = f"{os.getloadavg()[0]:.1f}"
        successes = sum(r.requests - r.not_200 for level in levels for r in level.saves.rounds)
        with scopes_disabled():
            saved, marks = verify(sent, successes=successes)
        print(
            f"Checked in the database: {saved} lessons saved, {marks} marks as posted "
            f"(load average at the end {load_after})",
            file=sys.stderr,
        )
        lines = [
            markdown_row(
                level,
                args=args,
                context=context,
                teachers=len(teachers),
                queries=(measured.noop_queries, measured.first_queries, measured.edit_queries),
            )
            for level in levels
        ]
        for line in lines:
            print(line)
        failures = sum(level.noop.failures + level.saves.failures for level in levels)
        if failures:
            raise run.BenchError(f"{failures} errors or bad answers: the run is invalid")
        if not args.no_record:
            record(lines, context)
            print(f"Appended {len(lines)} row(s) to bench/RESULTS.md", file=sys.stderr)
        return 0
    except run.BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if temporary and not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
        elif temporary:
            print(f"Kept {var_dir}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
