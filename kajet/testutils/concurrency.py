"""Two real concurrent transactions for the stale-save tests (PostgreSQL): the first writes and
holds its row locks until the second has started its own write; the second must then wait
for the first to commit and be refused as stale."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django_scopes import scopes_disabled


@dataclass
class Race:
    first: Any = None  # "saved", or the exception the first write raised
    second: Any = None  # "saved", or the conflict the second write raised
    waited: float = 0.0  # seconds the second write spent waiting


def race(
    *,
    first_write: Callable[[], Any],
    second_read: Callable[[], Any],
    second_write: Callable[[Any], Any],
    conflict: type[Exception],
) -> Race:
    """Run ``first_write`` in a transaction in one thread; in another, once it has written,
    ``second_read`` (it must still see the old, uncommitted state) and then
    ``second_write(what_it_read)``, expected to block on the first's locks and raise
    ``conflict`` after the first commits."""
    first_done = threading.Event()
    second_started = threading.Event()
    outcome = Race()

    def first() -> None:
        try:
            with scopes_disabled(), transaction.atomic():
                first_write()
                first_done.set()
                second_started.wait(5)
                time.sleep(0.5)  # the second transaction is now waiting on the row locks
            outcome.first = "saved"
        except Exception as error:  # pragma: no cover - reported by the caller's assertion
            outcome.first = error
        finally:
            connection.close()

    def second() -> None:
        try:
            first_done.wait(5)
            with scopes_disabled():
                read = second_read()
                second_started.set()
                started = time.monotonic()
                try:
                    second_write(read)
                    outcome.second = "saved"
                except conflict as error:
                    outcome.second = error
                outcome.waited = time.monotonic() - started
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return outcome
