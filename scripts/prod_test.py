"""``make prod-test``: Kajet's production topology, run for real on loopback, checked end to end.

Starts two gunicorn app instances on two loopback ports sharing one PostgreSQL database (its
own: ``kajet_prodtest``) and one Redis (database 7 for the cache, sessions and rate limits,
database 8 as the Celery broker), a Celery worker and Celery beat, all with the production
settings (``DEBUG`` off, ``KAJET_REQUIRE_ENV=1``, ``KAJET_REQUIRE_REDIS=1``, ``KAJET_HTTPS=1``),
and an SMTP server on loopback (aiosmtpd, in this process). Requests go to both instances as a
proxy would send them: ``Host: kajet.test``, ``X-Forwarded-Proto: https`` and
``X-Forwarded-For`` (gunicorn trusts them from 127.0.0.1), so the HTTPS-only settings (secure
cookies, HSTS, the HTTPS redirect, CSRF's referer check) are on and work without TLS.

Checks, each printed as PASS or FAIL:

1. a session made on instance A works on instance B;
2. the sign-in throttle counts failures made on both instances;
3. the write rate limit (Redis) counts writes made on both instances;
4. a message sent through instance A is delivered by the worker as e-mail to the SMTP server;
5. a scheduled job runs: a delivery held back (not queued) is sent by Celery beat's sweep;
6. a worker killed with SIGKILL mid-batch loses nothing: after the restart the batch completes
   and every message arrives once (ADR 7, addendum);
7. a third app instance behind PgBouncer in transaction mode (``KAJET_DB_PGBOUNCER=1``) serves
   pages, saves an attendance form (``select_for_update`` in a transaction) and a message, and
   PgBouncer counts their transactions; ``QuerySet.iterator()`` outside a transaction works
   there, and without ``KAJET_DB_PGBOUNCER`` it fails the way transaction pooling breaks
   server-side cursors (made deterministic: another client takes the server connection
   between two fetches).

PgBouncer (Debian package ``pgbouncer``, a test-only need: ``make test-system-deps``) is started
on a loopback port (``PROD_TEST_PGBOUNCER_PORT``, else a free one) as its own process, not the
system service; as root it drops to ``nobody``.

Needs PostgreSQL on 127.0.0.1:5432 (user ``postgres``; ``PROD_TEST_PG`` overrides the server
URL) and Redis on 127.0.0.1:6379 (``PROD_TEST_REDIS``). Every process it starts is in its own
process group and is stopped on exit, on failure and on Ctrl-C; the database is dropped and the
two Redis databases are emptied.
"""

from __future__ import annotations

import asyncio
import datetime
import email
import email.policy
import functools
import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPResponse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG = os.environ.get("PROD_TEST_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("PROD_TEST_REDIS", "redis://127.0.0.1:6379")
DB_NAME = "kajet_prodtest"
CACHE_DB, BROKER_DB = 7, 8
HOST = "kajet.test"
CLIENT_ADDRESS = "203.0.113.7"  # what the proxy puts in X-Forwarded-For
PASSWORD = "kajet-bench"
FREE_FAILURES = 3
USER_WRITES = 4
BATCH = 20
HOLD_AT = 7  # the SMTP server holds the batch's 7th message while the worker is killed
LEASE_SECONDS = 8
SWEEP_SECONDS = 2
DEADLINE = 25.0  # seconds any one thing may take
PGBOUNCER_DB = "kajet_cursor"  # a PgBouncer database only the cursor check uses (own pool)


class CheckFailed(Exception):
    pass


# --- the SMTP server -------------------------------------------------------------------------


@dataclass
class Sink:
    """aiosmtpd handler: keeps every accepted message; can hold one RCPT until released."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    hold_prefix: str = ""
    hold_at: int = 0
    holding: bool = False
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, prefix: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for m in self.messages if str(m["To"]).startswith(prefix)]

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, _: Any
    ) -> str:
        held = self.hold_prefix and address.startswith(self.hold_prefix)
        if held and len(self.to(self.hold_prefix)) + 1 >= self.hold_at:
            # Hold before DATA: the message is not taken until the worker is gone.
            while not self.released.is_set():
                self.holding = True
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


# --- processes -------------------------------------------------------------------------------


@dataclass
class Topology:
    work: Path
    env: dict[str, str]
    ports: tuple[int, int]
    smtp_port: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    cleanup: list[Path] = field(default_factory=list)

    def start(
        self, name: str, args: list[str], env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = open(self.work / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)
        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.work / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def manage(self, *args: str, timeout: float = 180, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise CheckFailed(f"manage.py {args[0]} failed: {result.stderr.strip()[-800:]}")
        return result.stdout

    def shell(self, code: str, env: dict[str, str] | None = None) -> Any:
        """Run ``code`` in ``manage.py shell`` (production settings); it prints one JSON line."""
        out = self.manage("shell", "-c", code, env=env)
        return json.loads(out.strip().splitlines()[-1])

    def gunicorn(
        self, name: str, port: int, env: dict[str, str] | None = None, workers: int = 2
    ) -> None:
        self.start(
            name,
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--forwarded-allow-ips",
                "127.0.0.1",
                "--access-logfile",
                "-",
                "--no-control-socket",
            ],
            env,
        )

    def pgbouncer(self, port: int) -> None:
        """PgBouncer in transaction mode on 127.0.0.1:``port`` in front of PostgreSQL, with
        its files in a directory of its own (readable by ``nobody`` when run as root)."""
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise CheckFailed("pgbouncer is not installed (make test-system-deps)")
        server = urllib.parse.urlsplit(PG)
        where = f"host={server.hostname} port={server.port or 5432}"
        user = server.username or "postgres"
        # Not under the work directory (0700, it holds the secret keys): PgBouncer drops to
        # nobody before it opens some of its files.
        config = Path(tempfile.mkdtemp(prefix="kajet-pgbouncer-"))
        self.cleanup.append(config)
        (config / "users.txt").write_text(f'"{user}" ""\n')
        (config / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"{DB_NAME} = {where} dbname={DB_NAME}\n"
            f"{PGBOUNCER_DB} = {where} dbname={DB_NAME} pool_size=2\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {config / 'users.txt'}\nadmin_users = {user}\n"
            "pool_mode = transaction\ndefault_pool_size = 4\nmax_client_conn = 100\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        for path in (config, config / "users.txt", config / "pgbouncer.ini"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        as_root = ["-u", "nobody"] if os.geteuid() == 0 else []
        self.start("pgbouncer", [binary, *as_root, str(config / "pgbouncer.ini")])

    def worker(self) -> None:
        self.start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency",
                "2",
                "--loglevel",
                "info",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                "prodtest@%h",
            ],
        )

    def beat(self) -> None:
        self.start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel",
                "info",
                "--schedule",
                str(self.work / "beat-schedule"),
            ],
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, probe: Callable[[], bool], timeout: float = DEADLINE) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if probe():
            return
        time.sleep(0.2)
    raise CheckFailed(f"{what}: not within {timeout:.0f} s")


def redis_flush() -> None:
    import redis

    for number in (CACHE_DB, BROKER_DB):
        client = redis.Redis.from_url(f"{REDIS}/{number}")
        client.flushdb()
        client.close()


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", f"{PG}/{database}", "-v", "ON_ERROR_STOP=1", "-tAc", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise CheckFailed(f"psql: {result.stderr.strip()}")
    return result.stdout.strip()


# --- a browser of sorts ----------------------------------------------------------------------


@dataclass
class Browser:
    """Keeps cookies (the secure ones too: the proxy speaks HTTPS to the real browser) and
    sends what a proxy in front of Kajet would."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, port: int, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": CLIENT_ADDRESS,
            "User-Agent": "kajet-prod-test",
            "Accept-Language": "pl",
        }
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOST}{path}"
            headers["Origin"] = f"https://{HOST}"
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response: HTTPResponse = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text, {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()

    def get(self, port: int, path: str) -> tuple[int, str, dict[str, str]]:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, form: dict[str, Any]) -> tuple[int, str, dict[str, str]]:
        return self.request(port, "POST", path, form)

    def form_tokens(self, page: str) -> dict[str, str]:
        tokens = {}
        for name in ("csrfmiddlewaretoken", "form_key"):
            found = re.search(rf'name="{name}" value="([^"]+)"', page)
            if found:
                tokens[name] = html.unescape(found.group(1))
        return tokens

    def sign_in(self, port: int, login: str, password: str) -> tuple[int, str]:
        path = "/konto/logowanie/?jako=pracownik"
        status, page, _ = self.get(port, path)
        if status != 200:
            raise CheckFailed(f"the sign-in page answered {status}")
        form = {**self.form_tokens(page), "login": login, "password": password}
        status, page, headers = self.post(port, path, form)
        return status, headers.get("location", "")


# --- the checks ------------------------------------------------------------------------------

SETUP = """
import json
from django.db import transaction
from django_scopes import scopes_disabled
from kajet.accounts.models import User
from kajet.notifications.models import NotificationProfile
import datetime
with scopes_disabled(), transaction.atomic():
    guardians = list(User.objects.filter(kind="guardian").order_by("pk")[:COUNT])
    for i, user in enumerate(guardians):
        kind = "message" if i == 0 else "held" if i > BATCH else "batch"
        user.email = f"{kind}{i}@example.test"
        user.save(update_fields=["email"])
        NotificationProfile.objects.update_or_create(user=user, defaults={
            "school_id": user.school_id, "verified_email": user.email,
            "quiet_from": datetime.time(0, 0), "quiet_until": datetime.time(0, 0)})
    print(json.dumps({"guardian": guardians[0].pk, "school": guardians[0].school_id,
                      "batch": [u.pk for u in guardians[1:BATCH + 1]],
                      "held": guardians[BATCH + 1].pk}))
"""

NOTIFY_BATCH = """
import json
from django.db import transaction
from django_scopes import scopes_disabled
from kajet.core.models import School
from kajet.notifications.services import notify
with scopes_disabled(), transaction.atomic():
    school = School.objects.get(pk=SCHOOL)
    notify(school=school, user_ids=IDS, kind="message", title="Zebranie z rodzicami")
print(json.dumps({"ok": True}))
"""

HELD_BACK = """
import json
from django.utils import timezone
from django_scopes import scopes_disabled
from kajet.notifications.models import ChannelDelivery, Notification
with scopes_disabled():
    n = Notification.objects.create(school_id=SCHOOL, user_id=USER, kind="event",
                                    title="Wycieczka")
    # Written as a quiet-hours hold is: pending, due now, and no task queued for it.
    ChannelDelivery.objects.create(school_id=SCHOOL, notification=n, user_id=USER,
                                   channel="email", status="pending", send_after=timezone.now())
print(json.dumps({"notification": n.pk}))
"""


def statuses(ids: list[int]) -> dict[str, int]:
    """The batch's delivery rows by status (read with psql: fast enough to poll)."""
    out = psql(
        "SELECT status, count(*) FROM notifications_channeldelivery "
        f"WHERE user_id IN ({','.join(map(str, ids))}) GROUP BY status",
        DB_NAME,
    )
    return {status: int(n) for status, n in (line.split("|") for line in out.splitlines() if line)}


def check_session(top: Topology, logins: dict[str, str]) -> str:
    a, b = top.ports
    browser = Browser()
    status, location = browser.sign_in(a, logins["teacher"], PASSWORD)
    if status != 302:
        raise CheckFailed(f"signing in on A answered {status}")
    status, _, headers = browser.get(b, "/wiadomosci/")
    if status != 200:
        where = headers.get("location", "")
        raise CheckFailed(f"instance B answered {status} {where} to the session made on A")
    status = Browser().get(b, "/wiadomosci/")[0]
    if status != 302:
        raise CheckFailed(f"without the session B answered {status}, not a redirect to sign in")
    return "signed in on A; B serves the inbox with that session (and redirects without it)"


def check_signin_throttle(top: Topology, logins: dict[str, str]) -> str:
    a, b = top.ports
    login = logins["secretariat"]
    for i in range(FREE_FAILURES * 2):
        status, _ = Browser().sign_in(a if i % 2 == 0 else b, login, "wrong-password")
        if status != 400:
            raise CheckFailed(f"failure {i + 1} answered {status}, not 400")
    status, _ = Browser().sign_in(a, login, PASSWORD)
    if status != 400:
        raise CheckFailed(
            f"after {FREE_FAILURES} failures on each instance the right password answered "
            f"{status}: the instances count separately"
        )
    return (
        f"{FREE_FAILURES} failures on A and {FREE_FAILURES} on B ({FREE_FAILURES * 2} > "
        f"{FREE_FAILURES} free): the right password is refused on A"
    )


def check_write_rate_limit(top: Topology, logins: dict[str, str]) -> str:
    a, b = top.ports
    browser = Browser()
    status, _ = browser.sign_in(a, logins["psychologist"], PASSWORD)
    if status != 302:
        raise CheckFailed(f"signing in answered {status}")
    answers = []
    for i in range(USER_WRITES + 1):
        port = a if i % 2 == 0 else b
        _, page, _ = browser.get(port, "/powiadomienia/")
        status, _, _ = browser.post(port, "/powiadomienia/przeczytane/", browser.form_tokens(page))
        answers.append(status)
    if answers[:USER_WRITES] != [302] * USER_WRITES or answers[USER_WRITES] != 429:
        raise CheckFailed(f"writes alternating A/B answered {answers}")
    return f"{USER_WRITES} writes alternating A and B pass, the next answers 429 ({answers})"


def check_message_mail(
    top: Topology, sink: Sink, logins: dict[str, str], ids: dict[str, Any]
) -> str:
    a, _ = top.ports
    browser = Browser()
    status, _ = browser.sign_in(a, logins["principal"], PASSWORD)
    if status != 302:
        raise CheckFailed(f"signing in answered {status}")
    _, page, _ = browser.get(a, "/wiadomosci/nowa/")
    form = {
        **browser.form_tokens(page),
        "recipients": f"person:{ids['guardian']}",
        "subject": "Wycieczka do Krakowa",
        "body": "Wyjazd w piątek o 8:00.",
    }
    status, page, headers = browser.post(a, "/wiadomosci/nowa/", form)
    if status != 302:
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)', page)
        raise CheckFailed(f"sending answered {status}: {errors[:3]}")
    wait_for("the e-mail of the message", lambda: bool(sink.to("message0@")))
    [got] = sink.to("message0@")
    return f"sent on A; the worker delivered it to {got['To']} ({got['Subject']})"


def check_beat(top: Topology, sink: Sink, ids: dict[str, Any]) -> str:
    code = HELD_BACK.replace("SCHOOL", str(ids["school"])).replace("USER", str(ids["held"]))
    top.shell(code)
    started = time.monotonic()
    address = "held"
    wait_for("the held-back delivery sent by beat's sweep", lambda: bool(sink.to(address)))
    waited = time.monotonic() - started
    return f"a pending delivery with no task queued was sent by beat's sweep after {waited:.1f} s"


def check_killed_worker(top: Topology, sink: Sink, ids: dict[str, Any]) -> str:
    batch = ids["batch"]
    sink.hold_prefix, sink.hold_at = "batch", HOLD_AT
    top.shell(NOTIFY_BATCH.replace("SCHOOL", str(ids["school"])).replace("IDS", json.dumps(batch)))
    wait_for("the worker reaching the held message", lambda: sink.holding)
    # Two pool processes may share the batch: let the other one finish writing "sent" for
    # the message it handed over and reach the hold too, so the kill lands between messages.
    time.sleep(1.5)
    before = len(sink.to("batch"))
    top.kill("worker", signal.SIGKILL)
    sink.released.set()
    left = statuses(batch)
    if left.get("sent", 0) != before or left.get("sending", 0) != BATCH - before:
        raise CheckFailed(f"after the kill: {before} received, rows {left}")
    top.worker()
    wait_for(
        "the batch completing after the restart",
        lambda: statuses(batch).get("sent") == BATCH,
        timeout=LEASE_SECONDS + 30,
    )
    time.sleep(SWEEP_SECONDS * 2)  # a late duplicate would arrive now
    got = sink.to("batch")
    recipients = sorted(str(m["To"]) for m in got)
    message_ids = {str(m["Message-ID"]) for m in got}
    if len(got) != BATCH or len(set(recipients)) != BATCH or len(message_ids) != BATCH:
        raise CheckFailed(
            f"{len(got)} messages for {len(set(recipients))} of {BATCH} recipients "
            f"({len(message_ids)} distinct Message-IDs)"
        )
    return (
        f"killed (SIGKILL) after {before} of {BATCH} with the next one in flight; after the "
        f"restart all {BATCH} arrived, each once"
    )


# --- behind PgBouncer (transaction mode) -------------------------------------------------------

LESSON_AND_PIDS = """
import datetime, json
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from kajet.accounts.models import User
from kajet.timetable.selectors.days import days_off
from kajet.timetable.selectors.lessons import lessons_for_teacher
with scopes_disabled():
    user = User.objects.get(login="LOGIN")
    end = timezone.localdate() - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=27)
    off = days_off(user.school_id, start, end)
    held = [o for o in lessons_for_teacher(user, start, end)
            if o.is_held and o.teacher_id == user.pk and o.date not in off]
    last = max(held, key=lambda o: (o.date, o.period_number))
    # One transaction stays on one server connection: the row lock and every statement of it.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            first = cursor.fetchone()[0]
        User.objects.select_for_update().get(pk=user.pk)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            again = cursor.fetchone()[0]
print(json.dumps({"course": last.course_id, "day": last.date.isoformat(),
                  "period": last.period_id, "pids": [first, again]}))
"""

# QuerySet.iterator() outside a transaction: with server-side cursors Django declares a WITH HOLD
# cursor and fetches from it in later statements, each its own transaction. Another client
# takes the server connection between two fetches (the pool of this PgBouncer database had only
# that one), so the next fetch runs on a new server connection, which has no such cursor.
ITERATE = """
import json
import psycopg
from django_scopes import scopes_disabled
from kajet.accounts.models import User
with scopes_disabled():
    rows = User.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5)
    seen = [next(rows)]
    other = psycopg.connect("OTHER", autocommit=True)
    other.execute("BEGIN")
    other.execute("SELECT 1")
    try:
        seen.extend(rows)
        result = {"ok": True, "rows": len(seen), "all": User.objects.count()}
    except Exception as error:
        result = {"ok": False, "error": type(error).__name__ + ": " + str(error).splitlines()[0]}
    finally:
        other.execute("ROLLBACK")
        other.close()
print(json.dumps(result))
"""


def pgbouncer_env(
    top: Topology, port: int, database: str = DB_NAME, **extra: str
) -> dict[str, str]:
    return {
        **top.env,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/{database}",
        "KAJET_DB_PGBOUNCER": "1",
        **extra,
    }


def attendance_form(page: str) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """The lesson page's attendance form: its fields as served, and each student select's
    options (value, code) with the selected value first."""
    start = page.find("data-attendance-sheet")
    form = page[start : page.find("</form>", start)]
    if start < 0:
        raise CheckFailed("the lesson page has no attendance form")
    fields = {"topic": html.unescape(re.search(r'name="topic"[^>]*value="([^"]*)"', form)[1])}
    fields.update(re.findall(r'<input type="hidden" name="(v\d+)" value="([^"]*)"', form))
    selects: dict[str, list[tuple[str, str]]] = {}
    for name, body in re.findall(
        r'<select id="s\d+" name="(s\d+)"[^>]*>(.*?)</select>', form, re.S
    ):
        options = re.findall(r'<option value="(\d+)" data-code="([^"]*)"[^>]*?( selected)?>', body)
        chosen = [(v, c) for v, c, sel in options if sel] or [(options[0][0], options[0][1])]
        selects[name] = chosen + [(v, c) for v, c, _ in options]
        fields[name] = chosen[0][0]
    if not selects:
        raise CheckFailed("the attendance form lists no students")
    return fields, selects


def pgbouncer_clients(port: int) -> int:
    """Client connections PgBouncer holds for the test database (its admin console)."""
    result = subprocess.run(
        ["psql", f"postgres://postgres@127.0.0.1:{port}/pgbouncer", "-tAF|", "-c", "SHOW CLIENTS"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if result.returncode != 0:
        raise CheckFailed(f"PgBouncer's console: {result.stderr.strip()}")
    return sum(1 for line in result.stdout.splitlines() if f"|{DB_NAME}|" in line)


def check_pgbouncer(
    top: Topology, logins: dict[str, str], ids: dict[str, Any], port: int, c: int
) -> str:
    """Instance C (port ``c``) reaches PostgreSQL only through PgBouncer (``port``)."""
    wait_for(f"/healthz on :{c} (through PgBouncer)", functools.partial(healthy, c), timeout=60)
    browser = Browser()
    status, _ = browser.sign_in(c, logins["teacher"], PASSWORD)
    if status != 302:
        raise CheckFailed(f"signing in on C answered {status}")
    for path in ("/", "/wiadomosci/", "/frekwencja/dzis/", "/powiadomienia/"):
        status = browser.get(c, path)[0]
        if status != 200:
            raise CheckFailed(f"C answered {status} to {path}")
    # Attendance: a held lesson of the teacher, one student's mark changed (the save locks the
    # marks with select_for_update in one transaction).
    found = top.shell(
        LESSON_AND_PIDS.replace("LOGIN", logins["teacher"]), env=pgbouncer_env(top, port)
    )
    if len(set(found["pids"])) != 1:
        raise CheckFailed(f"one transaction ran on server connections {found['pids']}")
    path = f"/frekwencja/lekcja/{found['course']}/{found['day']}/{found['period']}/"
    status, page, _ = browser.get(c, path)
    if status != 200:
        raise CheckFailed(f"C answered {status} to the lesson page {path}")
    fields, selects = attendance_form(page)
    student, options = next(iter(selects.items()))
    current = options[0][1]
    new_value, new_code = next((v, code) for v, code in options[1:] if code != current)
    form = {**browser.form_tokens(page), **fields, student: new_value}
    status, _, headers = browser.post(c, path, form)
    if status != 302:
        raise CheckFailed(f"saving attendance on C answered {status}")
    saved = psql(
        "SELECT t.code FROM attendance_attendancemark m "
        "JOIN attendance_attendancetype t ON t.id = m.type_id "
        "JOIN attendance_lesson l ON l.id = m.lesson_id "
        f"WHERE m.student_id = {int(student[1:])} AND l.course_id = {int(found['course'])} "
        f"AND l.date = '{datetime.date.fromisoformat(found['day'])}' "
        f"AND l.period_id = {int(found['period'])}",
        DB_NAME,
    )
    if saved != new_code:
        raise CheckFailed(f"the mark saved through C is {saved!r}, not {new_code!r}")
    # A message.
    _, page, _ = browser.get(c, "/wiadomosci/nowa/")
    subject = f"Przez PgBouncer {secrets.token_hex(3)}"
    form = {
        **browser.form_tokens(page),
        "recipients": f"person:{ids['guardian']}",
        "subject": subject,
        "body": "Zebranie w czwartek.",
    }
    status, _, _ = browser.post(c, "/wiadomosci/nowa/", form)
    if status != 302:
        raise CheckFailed(f"sending a message on C answered {status}")
    if psql(f"SELECT count(*) FROM messaging_message WHERE subject = '{subject}'", DB_NAME) != "1":
        raise CheckFailed("the message sent through C is not in the database")
    clients = pgbouncer_clients(port)
    if clients < 1:
        raise CheckFailed("PgBouncer holds no client connection of instance C")
    return (
        f"C (KAJET_DB_PGBOUNCER=1; PgBouncer lists {clients} client connection(s) to it) signed "
        f"in, served 4 pages, changed a mark to {new_code} and sent a message; one transaction "
        "with select_for_update stayed on one server connection"
    )


def check_pgbouncer_cursors(top: Topology, port: int) -> str:
    """QuerySet.iterator() outside a transaction: works with KAJET_DB_PGBOUNCER=1, fails
    without it (server-side cursors)."""
    other = f"host=127.0.0.1 port={port} user=postgres dbname={PGBOUNCER_DB}"
    code = ITERATE.replace("OTHER", other)
    on = top.shell(code, env=pgbouncer_env(top, port, PGBOUNCER_DB))
    if not on["ok"] or on["rows"] != on["all"]:
        raise CheckFailed(f"with KAJET_DB_PGBOUNCER=1 the iteration gave {on}")
    off = top.shell(
        code,
        env=pgbouncer_env(
            top, port, PGBOUNCER_DB, KAJET_DB_PGBOUNCER="0", KAJET_DB_SERVER_BINDING="0"
        ),
    )
    if off["ok"] or "InvalidCursorName" not in off["error"]:
        raise CheckFailed(f"without KAJET_DB_PGBOUNCER the iteration did not break: {off}")
    return (
        f"iterator() over {on['rows']} users with another client in between: works with "
        f"KAJET_DB_PGBOUNCER=1; without it: {off['error']}"
    )


def start_behind_pgbouncer(top: Topology, bouncer: int, c: int) -> str:
    """PgBouncer on ``bouncer`` and app instance C on ``c`` through it; the problem, if any."""
    try:
        top.pgbouncer(bouncer)
    except CheckFailed as error:
        return str(error)
    # One sync worker: all C needs; its one pooled connection goes to PgBouncer.
    top.gunicorn("app-c", c, pgbouncer_env(top, bouncer), workers=1)
    return ""


def pgbouncer_checks(
    top: Topology, logins: dict[str, str], ids: dict[str, Any], bouncer: int, c: int, problem: str
) -> list[tuple[str, Callable[[], str]]]:
    def unless_missing(check: Callable[[], str]) -> Callable[[], str]:
        def run() -> str:
            if problem:
                raise CheckFailed(problem)
            return check()

        return run

    return [
        (
            "an instance behind PgBouncer (transaction mode) serves and saves",
            unless_missing(lambda: check_pgbouncer(top, logins, ids, bouncer, c)),
        ),
        (
            "iterator() behind PgBouncer: works with KAJET_DB_PGBOUNCER, breaks without",
            unless_missing(lambda: check_pgbouncer_cursors(top, bouncer)),
        ),
    ]


# --- the run ---------------------------------------------------------------------------------


@contextmanager
def smtp_server(sink: Sink, port: int) -> Iterator[None]:
    from aiosmtpd.controller import Controller

    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield
    finally:
        sink.released.set()
        controller.stop()


def production_env(work: Path, smtp_port: int) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KAJET_", "DJANGO_", "CELERY_", "EMAIL_"))
    }
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST_ADDOPTS"):
        keep.pop(name, None)
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "KAJET_REQUIRE_ENV": "1",
        "KAJET_REQUIRE_REDIS": "1",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": f"{REDIS}/{CACHE_DB}",
        "CELERY_BROKER_URL": f"{REDIS}/{BROKER_DB}",
        "ALLOWED_HOSTS": HOST,
        "KAJET_HTTPS": "1",
        "KAJET_BASE_URL": f"https://{HOST}",
        "KAJET_VAR_DIR": str(work / "var"),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "10",
        "DEFAULT_FROM_EMAIL": "Kajet <kajet@kajet.test>",
        "KAJET_SIGNIN_FREE_FAILURES": str(FREE_FAILURES),
        "KAJET_RATE_USER_WRITES": f"{USER_WRITES}/m",
        "KAJET_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
        "KAJET_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "KAJET_LOG_LEVEL": "WARNING",
        # CI runs as root; the units in deploy/systemd run Celery as the kajet user.
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges",
    }


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="kajet-prodtest-"))
    a, b, smtp = free_port(), free_port(), free_port()
    c = free_port()
    bouncer = int(os.environ.get("PROD_TEST_PGBOUNCER_PORT") or free_port())
    top = Topology(work, production_env(work, smtp), (a, b), smtp)
    sink = Sink()
    results: list[tuple[str, bool, str]] = []

    def on_signal(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        with smtp_server(sink, smtp):
            where = (
                f"Redis {CACHE_DB}/{BROKER_DB}, instances :{a} :{b}, SMTP :{smtp}, "
                f"PgBouncer :{bouncer} with instance :{c}"
            )
            print(f"== database {DB_NAME}, {where}")
            psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            psql(f'CREATE DATABASE "{DB_NAME}"')
            redis_flush()
            top.manage("migrate", "--noinput", "-v0")
            top.manage("collectstatic", "--noinput", "-v0")
            top.manage("seed_bench", "--size", "xs")
            logins = {
                row["role"]: row["login"]
                for row in json.loads((work / "var" / "bench-logins.json").read_text())
            }
            ids = top.shell(SETUP.replace("COUNT", str(BATCH + 2)).replace("BATCH", str(BATCH)))
            print(f"== seeded in {time.monotonic() - started:.0f} s; starting the processes")
            top.gunicorn("app-a", a)
            top.gunicorn("app-b", b)
            top.worker()
            top.beat()
            no_pgbouncer = start_behind_pgbouncer(top, bouncer, c)
            for port in (a, b):
                wait_for(f"/healthz on :{port}", functools.partial(healthy, port), timeout=60)
            checks: list[tuple[str, Callable[[], str]]] = [
                ("session shared by both instances", lambda: check_session(top, logins)),
                ("sign-in throttle counts across both", lambda: check_signin_throttle(top, logins)),
                (
                    "write rate limit counts across both",
                    lambda: check_write_rate_limit(top, logins),
                ),
                (
                    "message delivered as e-mail by the worker",
                    lambda: check_message_mail(top, sink, logins, ids),
                ),
                ("scheduled job (beat) runs", lambda: check_beat(top, sink, ids)),
                (
                    "killed worker loses nothing, sends nothing twice",
                    lambda: check_killed_worker(top, sink, ids),
                ),
                *pgbouncer_checks(top, logins, ids, bouncer, c, no_pgbouncer),
            ]
            for name, check in checks:
                try:
                    detail = check()
                except CheckFailed as error:
                    results.append((name, False, str(error)))
                    print(f"FAIL  {name}: {error}", flush=True)
                else:
                    results.append((name, True, detail))
                    print(f"PASS  {name}: {detail}", flush=True)
    except (CheckFailed, KeyboardInterrupt) as error:
        results.append(("setup", False, str(error) or type(error).__name__))
        print(f"FAIL  setup: {error or type(error).__name__}", flush=True)
    finally:
        top.stop_all()
        failed = [name for name, ok, _ in results if not ok]
        if failed:
            for name in ("app-a", "app-b", "worker", "beat", "pgbouncer", "app-c"):
                tail = top.log_tail(name)
                if tail:
                    print(f"--- {name}.log (last lines)\n{tail}")
        try:
            psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            redis_flush()
        except Exception as error:  # cleanup must not hide the result
            print(f"cleanup: {error}")
        if not failed:
            subprocess.run(["rm", "-rf", str(work)], check=False)
    total = time.monotonic() - started
    ok = bool(results) and not [r for r in results if not r[1]]
    passed = sum(r[1] for r in results)
    print(f"== {'PASS' if ok else 'FAIL'}: {passed} of {len(results)} checks in {total:.0f} s")
    return 0 if ok else 1


def healthy(port: int) -> bool:
    try:
        status, body, _ = Browser().get(port, "/healthz")
    except OSError:
        return False
    return status == 200 and json.loads(body) == {"status": "ok", "database": "ok", "redis": "ok"}


if __name__ == "__main__":
    sys.exit(main())
