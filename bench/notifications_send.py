"""Notifications at school scale (issue 10): queueing an announcement to every guardian of
school 1, and the e-mail worker's throughput to an SMTP sink on loopback.

    .venv/bin/python bench/notifications_send.py --size m --rounds 20

1. **Queueing.** The principal publishes an announcement for all guardians: one POST of the
   notice board's form, in process (Django test client: every middleware, the view, the
   service, the on-commit notifications), alternating with the no-op endpoint as
   bench/messaging_send.py does. Background work goes to a real Celery broker (Redis on
   loopback, ``--broker``, a database number of its own), as in production: the request
   writes the in-app rows and queues the planning jobs, and nothing is sent in it. The
   queries of that request are counted for all guardians and for one class's guardians: they
   must be the same number.
2. **Worker throughput.** Every guardian of school 1 gets a confirmed address; the principal
   publishes an *urgent* announcement (immediate e-mail past quiet hours and digests) and the
   jobs a Celery worker would run for it (``notifications.plan``, then ``notifications.send``
   per batch) run here against Django's SMTP backend and an aiosmtpd server in a process of
   its own on 127.0.0.1, which counts what arrives. messages/s = messages the server received
   ÷ the wall time of those jobs; every delivery record must end ``sent``.

It prints one Markdown row and adds it to its own table in bench/RESULTS.md (``--no-record``
to skip). The machine is shared: the row records the load average when it started.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: dataset preparation and machine facts)

HEADER = "## Notifications: announcement to all guardians (bench/notifications_send.py)"
INTRO = (
    "Queueing: one POST of the notice board's form by the principal, audience all guardians of "
    "school 1, in process (test client, whole middleware stack), background jobs queued to "
    "Redis as in production; alternating with the no-op endpoint. Queries: all guardians / "
    "one class's guardians. Worker: the plan and send jobs of one urgent announcement to every "
    "guardian (confirmed addresses) run in process through Django's SMTP backend to an "
    "aiosmtpd sink in another process on loopback."
)
TABLE_HEAD = (
    "| date (UTC) | commit | machine | dataset | db | guardians | rounds "
    "| noop p50/p95 ms | queue p50/p95 ms | queries (all / one class) | jobs queued "
    "| worker: e-mails, s, messages/s | command |\n"
    "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|---|"
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def record(row: str) -> None:
    """Adds the row to this script's own table, kept just above "## Results" (bench/run.py
    appends its rows at the end of the file)."""
    path = Path(__file__).resolve().parent / "RESULTS.md"
    text = path.read_text()
    if HEADER not in text:
        block = f"{HEADER}\n\n{INTRO}\n\n{TABLE_HEAD}\n\n"
        text = text.replace("## Results\n", block + "## Results\n", 1)
    start = text.index(HEADER)
    end = text.index("\n\n## ", start)
    text = text[:end] + "\n" + row + text[end:]
    path.write_text(text)


# --- the SMTP sink, in a process of its own ------------------------------------------------


def sink_main(port: int, count: Any, ready: Any) -> None:
    """aiosmtpd on 127.0.0.1:port; counts each message it accepts."""
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def start_sink() -> tuple[Any, Any, int]:
    port = run.free_port()
    context = multiprocessing.get_context("spawn")
    count = context.Value("i", 0)
    ready = context.Event()
    process = context.Process(target=sink_main, args=(port, count, ready), daemon=True)
    process.start()
    if not ready.wait(30):
        raise RuntimeError("the SMTP sink did not start")
    return process, count, port


# --- the measurements ------------------------------------------------------------------------


def announcement(**extra: str) -> dict[str, str]:
    data = {
        "title": "Dni wolne od zajęć dydaktycznych",
        "body": "Szanowni Rodzice,\nuprzejmie informuję o dniach wolnych w tym roku szkolnym.",
        "audience": "guardians",
        "shown_from": time.strftime("%Y-%m-%d"),
        "shown_until": "",
        "form_key": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def queued_jobs(broker: str) -> int:
    import redis

    return int(redis.Redis.from_url(broker).llen("celery"))


def clear_queue(broker: str) -> None:
    import redis

    redis.Redis.from_url(broker).delete("celery")


def confirm_guardians(school_id: int) -> int:
    """Every guardian of the school gets a confirmed address (two bulk statements)."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Cast, Concat

    from kajet.accounts.models import User
    from kajet.notifications.models import NotificationProfile

    guardians = User.objects.filter(school_id=school_id, kind=User.Kind.GUARDIAN)
    guardians.update(
        email=Concat(Value("g"), Cast(F("pk"), CharField()), Value("@bench.example.org"))
    )
    rows = list(guardians.values_list("pk", "email"))
    NotificationProfile.objects.filter(user_id__in=[pk for pk, _e in rows]).delete()
    NotificationProfile.objects.bulk_create(
        [
            NotificationProfile(school_id=school_id, user_id=pk, verified_email=email)
            for pk, email in rows
        ],
        batch_size=1000,
    )
    return len(rows)


def queries_of(call: Any) -> int:
    """Statements a request runs. (CaptureQueriesContext undercounts a test-client request:
    Django's request_started signal empties the log it reads.)"""
    from django.db import connection

    seen: list[str] = []

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        call()
    return len(seen)


def last_url(announcement: Any) -> str:
    from django.urls import reverse

    return reverse("noticeboard:detail", args=[announcement.pk])


def worker_run(notification_ids: list[int]) -> tuple[float, int]:
    """What Celery workers do for these notifications: plan per 2,000, send per 100."""
    from kajet.notifications.delivery import chunks, deliveries_plan, deliveries_send
    from kajet.notifications.tasks import PLAN_BATCH

    started = time.perf_counter()
    sent = 0
    for batch in chunks(notification_ids, PLAN_BATCH):
        due = deliveries_plan(notification_ids=batch)
        for part in chunks(due):
            sent += deliveries_send(ids=part)
    return time.perf_counter() - started, sent


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", default="m", choices=["xs", "s", "m", "l"])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--worker-rounds", type=int, default=2)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)

    # A stopped run still stops its SMTP sink and removes its files (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    var_dir = Path(tempfile.mkdtemp(prefix="kajet-bench-notify-"))
    sink, received, port = start_sink()
    try:
        if args.database_url:
            run.require_loopback_url(args.database_url)
            run.recreate_postgres(args.database_url)
        env = run.server_env(var_dir, args.database_url)
        seeded_in = run.prepare(args.size, env)  # seeding runs its jobs in process
        # From here on: the production shape (a broker) and the sink as the SMTP server.
        os.environ["CELERY_BROKER_URL"] = args.broker
        os.environ["EMAIL_HOST"], os.environ["EMAIL_PORT"] = "127.0.0.1", str(port)
        os.environ["EMAIL_USE_TLS"] = "0"  # loopback, no certificate
        os.environ["KAJET_RATE_USER_WRITES"] = "1000000/s"
        os.environ["KAJET_RATE_SCHOOL_WRITES"] = "1000000/s"
        run.django_setup(env)
        clear_queue(args.broker)

        from django.conf import settings
        from django.test import Client
        from django_scopes import scopes_disabled

        from kajet.accounts.models import User
        from kajet.noticeboard.models import Announcement
        from kajet.notifications.models import ChannelDelivery, Notification
        from kajet.school.models import SchoolClass

        assert not settings.CELERY_TASK_ALWAYS_EAGER, "the broker must be used"
        assert settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"), settings.EMAIL_BACKEND
        logins = json.loads((var_dir / "bench-logins.json").read_text())
        principal = next(x for x in logins if x["role"] == "principal")
        client = Client(HTTP_HOST=run.HOST)
        signed = client.post(
            "/konto/logowanie/?jako=pracownik",
            {"login": principal["login"], "password": principal["password"]},
        )
        assert signed.status_code == 302, signed.status_code
        with scopes_disabled():
            me = User.objects.get(login=principal["login"])
            school_id = int(me.school_id or 0)
            one_class = SchoolClass.objects.filter(school_id=school_id).order_by("pk").first()
            assert one_class is not None
            guardians = User.objects.filter(school_id=school_id, kind="guardian").count()

        def post(**extra: str) -> float:
            started = time.perf_counter()
            response = client.post("/ogloszenia/nowe/", announcement(**extra))
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 302, response.content[:500]
            return elapsed

        def noop() -> float:
            started = time.perf_counter()
            response = client.get("/bench/noop")
            assert response.status_code == 200
            return (time.perf_counter() - started) * 1000

        post()  # warm-up (the broker connection, templates)
        noop()
        all_guardians, one = (
            queries_of(post),
            queries_of(lambda: post(audience="classes", classes=str(one_class.pk))),
        )
        clear_queue(args.broker)
        noop_ms: list[float] = []
        queue_ms: list[float] = []
        for _ in range(args.rounds):
            noop_ms.append(noop())
            queue_ms.append(post())
        jobs = queued_jobs(args.broker) / args.rounds
        clear_queue(args.broker)
        with scopes_disabled():
            last = Announcement.objects.order_by("-pk").first()
            assert last is not None
            rows = Notification.objects.filter(url=last_url(last)).count()
            assert rows == guardians, (rows, guardians)
            sent_in_request = ChannelDelivery.objects.filter(notification__url=last_url(last))
            assert not sent_in_request.exists(), "the request must not plan or send"

        # --- the worker ---
        with scopes_disabled():
            addresses = confirm_guardians(school_id)
        worker: list[tuple[float, int, int]] = []
        for _ in range(args.worker_rounds):
            post(urgent="on")
            clear_queue(args.broker)  # the jobs run here instead, timed
            with scopes_disabled():
                last = Announcement.objects.order_by("-pk").first()
                assert last is not None and last.urgent
                ids = list(
                    Notification.objects.filter(url=last_url(last)).values_list("pk", flat=True)
                )
                before = received.value
                seconds, sent = worker_run(ids)
                arrived = received.value - before
                statuses = set(
                    ChannelDelivery.objects.filter(notification_id__in=ids).values_list(
                        "status", flat=True
                    )
                )
            assert sent == arrived == addresses, (sent, arrived, addresses)
            assert statuses == {ChannelDelivery.Status.SENT}, statuses
            worker.append((seconds, arrived, len(ids)))
        rates = [arrived / seconds for seconds, arrived, _n in worker]
        best = max(range(len(worker)), key=lambda i: rates[i])
        db = "postgresql" if args.database_url else "sqlite"
        row = (
            f"| {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} | {run.git_commit()} | "
            f"{run.machine()} | {args.size.upper()} (seeded in {seeded_in:.0f} s) | {db} | "
            f"{guardians} | {args.rounds} | "
            f"{statistics.median(noop_ms):.1f}/{percentile(noop_ms, 0.95):.1f} | "
            f"{statistics.median(queue_ms):.1f}/{percentile(queue_ms, 0.95):.1f} | "
            f"{all_guardians} / {one} | {jobs:g} | "
            f"{worker[best][1]} in {worker[best][0]:.1f} s, "
            f"{' / '.join(f'{r:.0f}' for r in rates)} msg/s | "
            f"`.venv/bin/python bench/notifications_send.py {' '.join(argv)}` |"
        )
        print(row)
        if not args.no_record:
            record(row)
    finally:
        sink.terminate()
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
