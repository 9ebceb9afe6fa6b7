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
   and every message arrives once (ADR 7, addendum).

Needs PostgreSQL on 127.0.0.1:5432 (user ``postgres``; ``PROD_TEST_PG`` overrides the server
URL) and Redis on 127.0.0.1:6379 (``PROD_TEST_REDIS``). Every process it starts is in its own
process group and is stopped on exit, on failure and on Ctrl-C; the database is dropped and the
two Redis databases are emptied.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import functools
import html
import json
import os
import re
import secrets
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

    def start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.work / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
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

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.work / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def manage(self, *args: str, timeout: float = 180) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise CheckFailed(f"manage.py {args[0]} failed: {result.stderr.strip()[-800:]}")
        return result.stdout

    def shell(self, code: str) -> Any:
        """Run ``code`` in ``manage.py shell`` (production settings); it prints one JSON line."""
        out = self.manage("shell", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    def gunicorn(self, name: str, port: int) -> None:
        self.start(
            name,
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--forwarded-allow-ips",
                "127.0.0.1",
                "--access-logfile",
                "-",
                "--no-control-socket",
            ],
        )

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
        "KAJET_DB_POOL_MAX": "4",
        "KAJET_LOG_LEVEL": "WARNING",
        # CI runs as root; the units in deploy/systemd run Celery as the kajet user.
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges",
    }


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="kajet-prodtest-"))
    a, b, smtp = free_port(), free_port(), free_port()
    top = Topology(work, production_env(work, smtp), (a, b), smtp)
    sink = Sink()
    results: list[tuple[str, bool, str]] = []

    def on_signal(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        with smtp_server(sink, smtp):
            where = f"Redis {CACHE_DB}/{BROKER_DB}, instances :{a} :{b}, SMTP :{smtp}"
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
            for name in ("app-a", "app-b", "worker", "beat"):
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
