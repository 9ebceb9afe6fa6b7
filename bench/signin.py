"""The sign-in burst: what Argon2 costs, and whether a burst of sign-ins starves page traffic.

    .venv/bin/python bench/signin.py                       # XS dataset, SQLite, 15 s per run
    .venv/bin/python bench/signin.py --size s --seconds 20 --database-url \\
        postgres://postgres@127.0.0.1:5432/kajet_bench_signin

Steps (bench/README.md, "The sign-in burst"):

1. The dataset as ``bench/run.py`` makes it (a temporary var dir, ``seed_bench --size``). The
   bench users' slip hashes are replaced by ONE Argon2 hash of ``kajet-bench`` made with the
   project's hasher, so every sign-in costs what a chosen password costs (one Argon2
   verification; no re-hash on the first sign-in).
2. In process: the project's Argon2 parameters and one verification's wall and CPU time
   (``--hashes`` of them), and how many threads a verification runs on.
3. gunicorn (``bench.floor_wsgi``, sync workers, ``DEBUG`` off) on loopback ports from
   ``--port`` (8250): every run is a fresh set of servers.
   - ``signin w=1`` / ``signin w=2``: sign-ins only, ``--signin-clients`` clients in a loop,
     each sign-in a different bench user through the real form (GET the form, POST login and
     password with the CSRF token; success is the 302 and a session cookie).
   - ``pages alone``: wrk on ``--page`` as a signed-in guardian, ``--connections`` connections.
   - ``shared``: the same page load and the sign-in burst at once on ONE instance
     (``--workers`` workers): today's single upstream.
   - ``split``: pages on an instance of ``--workers`` workers; the sign-in POSTs on a second
     instance of one worker (as deploy/nginx.conf routes them), its CPU limited to one core
     with ``taskset`` (the kernel's CPU affinity, what the unit's ``AllowedCPUs=`` sets; the
     unit's ``CPUQuota=`` caps the same share by time).
   - ``split, no CPU cap``: the same without ``taskset``: Argon2 runs its lanes on threads, so
     a single worker can still take every core.
   Each run reports page req/s, p50/p95 (wrk), sign-ins/s and their p95. Any answer other than
   200 (pages) or 302 (sign-ins) fails the run: the throttle must not trip.

Prints Markdown rows; commit them to bench/RESULTS.md by hand with the machine's load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: dataset, sign-in, wrk)

PASSWORD = "kajet-bench"
USERS = """
import json
from django.contrib.auth.hashers import make_password
from django_scopes import scopes_disabled
from kajet.accounts.models import User
encoded = make_password("PASSWORD")  # the default hasher: Argon2 with the project's parameters
with scopes_disabled():
    users = User.objects.filter(school_id__isnull=False, is_active=True).exclude(
        password__startswith="!")
    users.update(password=encoded, must_change_password=False)
    rows = list(users.order_by("pk").values_list("login", "kind"))
print(json.dumps({"encoded": encoded.split("$")[0:3], "users": rows}))
"""


@dataclass
class Burst:
    """Sign-in clients in threads: each takes the next bench user, GETs the form from
    ``form_port`` and POSTs it to ``post_port``; counts successes and their latency."""

    users: list[tuple[str, str]]
    form_port: int
    post_port: int
    clients: int
    done: list[float] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    next_user: int = 0

    def take(self) -> tuple[str, str]:
        with self.lock:
            user = self.users[self.next_user % len(self.users)]
            self.next_user += 1
            return user

    def one(self, login: str, kind: str) -> None:
        family = kind in {"guardian", "student"}
        path = f"/konto/logowanie/?jako={'rodzina' if family else 'pracownik'}"
        form = http.client.HTTPConnection(run.HOST, self.form_port, timeout=60)
        form.request("GET", path)
        answer = form.getresponse()
        page = answer.read().decode()
        cookie = answer.getheader("Set-Cookie") or ""
        form.close()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        csrf = re.search(r"csrftoken=([^;]+)", cookie)
        if answer.status != 200 or token is None or csrf is None:
            raise run.BenchError(f"the sign-in form answered {answer.status}")
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token[1], "login": login, "password": PASSWORD}
        )
        started = time.perf_counter()
        post = http.client.HTTPConnection(run.HOST, self.post_port, timeout=60)
        post.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf[1]}",
                "Referer": f"http://{run.HOST}:{self.post_port}{path}",
            },
        )
        answer = post.getresponse()
        answer.read()
        session = "sessionid=" in (answer.getheader("Set-Cookie") or "")
        post.close()
        with self.lock:
            if answer.status == 302 and session:
                self.done.append(time.perf_counter() - started)
            else:
                self.bad.append(f"{login}: {answer.status}")

    def client(self) -> None:
        while not self.stop.is_set():
            try:
                self.one(*self.take())
            except (OSError, run.BenchError) as error:
                with self.lock:
                    self.bad.append(str(error))

    @contextmanager
    def running(self) -> Iterator[None]:
        threads = [threading.Thread(target=self.client) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=90)


@contextmanager
def server(
    env: dict[str, str], port: int, workers: int, log: Path, cpus: str | None = None
) -> Iterator[int]:
    """gunicorn on 127.0.0.1:``port`` (``cpus``: taskset's CPU list); always stopped."""
    prefix = ["taskset", "-c", cpus] if cpus else []
    args = [
        *prefix,
        str(run.GUNICORN),
        "bench.floor_wsgi:application",
        "--bind",
        f"{run.HOST}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--no-control-socket",
    ]
    with log.open("a") as out:
        process = subprocess.Popen(
            args,
            cwd=run.ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise run.BenchError(f"gunicorn exited ({process.returncode}); see {log}")
                try:
                    connection = http.client.HTTPConnection(run.HOST, port, timeout=2)
                    connection.request("GET", "/healthz")
                    if connection.getresponse().status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise run.BenchError(f"gunicorn :{port} did not answer /healthz; see {log}")
                time.sleep(0.3)
            yield port
        finally:
            run.stop_process_group(process)


@dataclass
class Result:
    name: str
    page: run.WrkRound | None
    signins: int
    seconds: float
    signin_p95_ms: float
    bad: list[str]

    def row(self) -> str:
        page = (
            f"{self.page.requests / self.page.seconds:.1f} | {self.page.p50_ms:.0f} / "
            f"{self.page.p95_ms:.0f}"
            if self.page
            else "– | –"
        )
        rate = f"{self.signins / self.seconds:.2f}" if self.signins else "–"
        p95 = f"{self.signin_p95_ms:.0f}" if self.signins else "–"
        return f"| {self.name} | {page} | {rate} | {p95} | {len(self.bad)} |"


def measure(
    name: str,
    args: argparse.Namespace,
    users: list[tuple[str, str]],
    page_port: int | None,
    session: str,
    signin_ports: tuple[int, int] | None,
) -> Result:
    burst = (
        Burst(users, signin_ports[0], signin_ports[1], args.signin_clients)
        if signin_ports
        else None
    )
    page: run.WrkRound | None = None
    started = time.perf_counter()
    if burst:
        with burst.running():
            if page_port:
                page = page_wrk(args, page_port, session)
            else:
                time.sleep(args.seconds)
        seconds = time.perf_counter() - started
    else:
        assert page_port
        page = page_wrk(args, page_port, session)
        seconds = page.seconds
    done = sorted(burst.done) if burst else []
    p95 = statistics.quantiles(done, n=20)[18] * 1000 if len(done) >= 2 else 0.0
    bad = (burst.bad if burst else []) + (
        [f"page: {page.errors} errors, {page.not_200} not 200"]
        if page and page.errors + page.not_200
        else []
    )
    result = Result(name, page, len(done), seconds, p95, bad)
    print(result.row(), flush=True)
    return result


def page_wrk(args: argparse.Namespace, port: int, session: str) -> run.WrkRound:
    url = f"http://{run.HOST}:{port}{args.page}"
    return run.wrk(
        url, session=session, seconds=args.seconds, connections=args.connections, threads=2
    )


def hasher_cost(env: dict[str, str], hashes: int) -> str:
    """The project's Argon2 parameters and one verification's cost, in this process."""
    run.django_setup(env)
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher("default")
    encoded = hasher.encode(PASSWORD, hasher.salt())
    peak = [threading.active_count()]
    walls, cpus = [], []
    tasks = Path("/proc/self/task")
    watching = threading.Event()

    def watch() -> None:
        while not watching.is_set():
            peak[0] = max(peak[0], len(list(tasks.iterdir())))
            time.sleep(0.002)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for _ in range(hashes):
        wall, cpu = time.perf_counter(), time.process_time()
        assert hasher.verify(PASSWORD, encoded)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    watching.set()
    watcher.join()
    params = ", ".join(
        f"{name}={getattr(hasher, name, '?')}"
        for name in ("time_cost", "memory_cost", "parallelism")
    )
    wall_ms, cpu_ms = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
    return (
        f"{hasher.algorithm}: {params}; one verification (median of {hashes}): wall "
        f"{wall_ms:.0f} ms, CPU {cpu_ms:.0f} ms → {1000 / cpu_ms:.1f} per CPU-second; threads "
        f"in the process during it: {peak[0] - 1} besides the watcher"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="xs")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2, help="page workers (and shared)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections on pages")
    parser.add_argument("--signin-clients", type=int, default=6)
    parser.add_argument("--page", default="/", help="the page under load (as the guardian)")
    parser.add_argument("--hashes", type=int, default=20)
    parser.add_argument("--port", type=int, default=8250, help="first of two loopback ports")
    parser.add_argument("--cap-cpus", default="0", help="taskset CPU list of the split's sign-in")
    parser.add_argument("--keep", action="store_true", help="keep the var dir")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None or shutil.which("taskset") is None:
        raise run.BenchError("needs wrk and taskset (Debian: wrk, util-linux)")
    var = Path(tempfile.mkdtemp(prefix="kajet-bench-signin-"))
    log = var / "gunicorn.log"
    try:
        if args.database_url:
            run.recreate_postgres(args.database_url)
        env = run.server_env(var, args.database_url)
        load = os.getloadavg()
        print(
            f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            f"{os.cpu_count()} CPUs",
            flush=True,
        )
        run.prepare(args.size, env)
        out = subprocess.run(
            [str(run.PYTHON), "manage.py", "shell", "-c", USERS.replace("PASSWORD", PASSWORD)],
            cwd=run.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        ).stdout
        seeded = json.loads(out.strip().splitlines()[-1])
        users = [(login, kind) for login, kind in seeded["users"]]
        print(f"{len(users)} bench users, hash {'$'.join(seeded['encoded'])}$…", flush=True)
        print(hasher_cost(env, args.hashes), flush=True)
        guardian = json.loads((var / "bench-logins.json").read_text())
        guardian_login = next(r["login"] for r in guardian if r["role"] == "guardian")
        rest = [u for u in users if u[0] != guardian_login]
        a, b = args.port, args.port + 1
        print("\n| run | page req/s | page p50 / p95 ms | sign-ins/s | sign-in p95 ms | bad |")
        print("|---|---|---|---|---|---|")
        results = []
        for workers in (1, 2):
            with server(env, a, workers, log):
                results.append(measure(f"signin w={workers}", args, rest, None, "", (a, a)))
        with server(env, a, args.workers, log):
            session = run.sign_in(
                f"http://{run.HOST}:{a}", login=guardian_login, password=PASSWORD, role="guardian"
            )
            results.append(measure(f"pages alone w={args.workers}", args, rest, a, session, None))
            results.append(measure(f"shared w={args.workers}", args, rest, a, session, (a, a)))
        for cpus in (args.cap_cpus, None):
            name = (
                f"split {args.workers}+1, sign-in on CPU {cpus}"
                if cpus
                else (f"split {args.workers}+1, no CPU cap")
            )
            with server(env, a, args.workers, log), server(env, b, 1, log, cpus):
                results.append(measure(name, args, rest, a, session, (a, b)))
        print(f"\ncommand: {' '.join([sys.executable, *sys.argv])}")
        load = os.getloadavg()
        print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        failed = [r for r in results if r.bad]
        for r in failed:
            print(f"{r.name}: {len(r.bad)} bad answers, e.g. {r.bad[:3]}", file=sys.stderr)
        return 1 if failed else 0
    finally:
        if args.keep:
            print(f"var dir kept: {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except run.BenchError as error:
        print(f"bench/signin.py: {error}", file=sys.stderr)
        sys.exit(2)
