"""The school-wide send: one POST of the compose form to all guardians of school 1, timed
against the no-op endpoint in the same run (issue 4: one request, a constant number of
queries, goal p95 ≤ 300 ms on the M dataset).

bench/run.py drives GET pages with wrk; a send is a POST that creates data, so this script
signs in as the principal and runs the whole Django stack in process (the test client: every
middleware, the view, the service, the on-commit notifications), alternating no-op and send:

    .venv/bin/python bench/messaging_send.py --size m --rounds 20

It prints one Markdown row and appends it to bench/RESULTS.md (``--no-record`` to skip).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: dataset preparation and machine facts)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


HEADER = "## Messaging: school-wide send (bench/messaging_send.py)"
INTRO = (
    "One POST of the compose form to all guardians, in process (test client, whole "
    "middleware stack, on-commit notifications included), alternating with the no-op endpoint."
)
TABLE_HEAD = (
    "| date (UTC) | commit | machine | dataset | db | server | scenario | role | request "
    "| rounds | noop p50/p95 ms | send p50/p95 ms | queries (send) | command |\n"
    "|---|---|---|---|---|---|---|---|---|---:|---:|---:|---:|---|"
)


def record(row: str) -> None:
    """Adds the row to this script's own table, kept just above "## Results" (bench/run.py
    appends its rows at the end of the file)."""
    path = Path(__file__).resolve().parent / "RESULTS.md"
    text = path.read_text()
    if HEADER not in text:
        block = f"{HEADER}\n\n{INTRO}\n\n{TABLE_HEAD}\n\n"
        text = text.replace("## Results\n", block + "## Results\n", 1)
    start = text.index(HEADER)
    end = text.index("\n\n## Results", start)
    text = text[:end] + "\n" + row + text[end:]
    path.write_text(text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="m", choices=["xs", "s", "m", "l"])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)

    var_dir = Path(tempfile.mkdtemp(prefix="kajet-bench-send-"))
    try:
        if args.database_url:
            run.require_loopback_url(args.database_url)
            run.recreate_postgres(args.database_url)
        env = run.server_env(var_dir, args.database_url)
        seeded_in = run.prepare(args.size, env)
        run.django_setup(env)

        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        logins = json.loads((var_dir / "bench-logins.json").read_text())
        principal = next(x for x in logins if x["role"] == "principal")
        client = Client(HTTP_HOST=run.HOST)
        signed = client.post(
            "/konto/logowanie/?jako=pracownik",
            {"login": principal["login"], "password": principal["password"]},
        )
        assert signed.status_code == 302, signed.status_code

        def send() -> float:
            data = {
                "recipients": ["all_guardians"],
                "subject": "Dni wolne",
                "body": "Szanowni Rodzice,\nuprzejmie informuję o dniach wolnych.",
                "idempotency_key": str(uuid.uuid4()),
            }
            started = time.perf_counter()
            response = client.post("/wiadomosci/nowa/", data)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 302, response.content[:500]
            return elapsed

        def noop() -> float:
            started = time.perf_counter()
            response = client.get("/bench/noop")
            assert response.status_code == 200
            return (time.perf_counter() - started) * 1000

        send()  # warm-up
        noop()
        with CaptureQueriesContext(connection) as queries:
            send()
        query_count = len(queries)
        from django_scopes import scopes_disabled

        from kajet.messaging.models import Message

        with scopes_disabled():
            last = Message.objects.order_by("-id").first()
            recipients = last.recipient_count if last is not None else 0
        noop_ms: list[float] = []
        send_ms: list[float] = []
        for _ in range(args.rounds):
            noop_ms.append(noop())
            send_ms.append(send())
        context = {
            "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            "commit": run.git_commit(),
            "machine": run.machine(),
        }
        db = "postgresql" if args.database_url else "sqlite"
        row = (
            f"| {context['date']} | {context['commit']} | {context['machine']} | "
            f"{args.size.upper()} (seeded in {seeded_in:.0f} s) | {db} | in-process | "
            f"school-wide send | principal | `POST /wiadomosci/nowa/` all_guardians "
            f"({recipients} recipients) | {args.rounds} | "
            f"{statistics.median(noop_ms):.1f}/{percentile(noop_ms, 0.95):.1f} | "
            f"{statistics.median(send_ms):.1f}/{percentile(send_ms, 0.95):.1f} | "
            f"{query_count} | `.venv/bin/python bench/messaging_send.py "
            f"{' '.join(argv)}` |"
        )
        print(row)
        if not args.no_record:
            record(row)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
