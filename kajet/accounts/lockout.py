"""The sign-in lock rule, as pure functions of the attempts (no ORM; table-tested).

Brute force stays impossible without letting one person lock others out:

* **Per (login, address)**: the first ``free`` failures cost nothing; each further failure
  from that address for that login makes the next attempt wait ``delay`` seconds, doubled
  each time, up to ``max_delay``. A success from that address, or an unlock by the school
  office, starts the count again; failures older than the memory are forgotten.
* **Per login, all addresses**: ``account_ceiling`` failures within the memory lock the
  login for every address that has never signed it in successfully (a spread-out attack),
  while a correct password from an address the login has signed in from before still passes.
* **Per address, all logins**: ``address_ceiling`` failures within an hour throttle the
  address for logins it has never signed in (password spraying), again without touching the
  people who sign in from there every day (a school behind one NAT address).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockRule:
    free: int = 5
    delay_seconds: int = 30
    max_delay_seconds: int = 15 * 60
    account_ceiling: int = 100
    address_ceiling: int = 200

    @property
    def saturation(self) -> int:
        """How many failures make the wait reach ``max_delay`` (more change nothing)."""
        count, delay = self.free, self.delay_seconds
        while delay < self.max_delay_seconds:
            count, delay = count + 1, delay * 2
        return count + 1


def wait_seconds(failures: int, rule: LockRule) -> int:
    """How long after the last of ``failures`` the next attempt must wait (0: none)."""
    if failures < rule.free:
        return 0
    return int(min(rule.max_delay_seconds, rule.delay_seconds * 2 ** (failures - rule.free)))


def pair_failures(rows: Sequence[tuple[datetime, str]], *, reset_results: set[str]) -> list:
    """The failures of one (login, address) since its last reset, newest first.

    ``rows`` are (time, result) newest first; a row whose result is in ``reset_results``
    (a success from this address, an office unlock) ends the run."""
    failures: list[datetime] = []
    for at, result in rows:
        if result in reset_results:
            break
        failures.append(at)
    return failures


def pair_locked_until(failures: Sequence[datetime], rule: LockRule) -> datetime | None:
    """When the (login, address) lock ends, or None when it is not locked at all."""
    wait = wait_seconds(len(failures), rule)
    if not wait:
        return None
    return failures[0] + timedelta(seconds=wait)
