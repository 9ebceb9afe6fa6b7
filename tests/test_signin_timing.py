"""Sign-in timing: refusals for known and unknown logins are in one time class (issue 14.1).

Every path that checks a password (web sign-in of both kinds, the API token) is timed many
times for an unknown login and for each kind of known login — a slip password (fast issued
hasher), a chosen password (the default hasher) and a login turned off — with the production
hasher classes. The distributions must not be separable: the probability that a draw from one
beats a draw from the other (the Mann–Whitney statistic divided by n·m) stays near ½ and the
medians within a factor. On the old code a slip-password refusal was ~30× faster.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import User
from kajet.accounts.services import issued_password_hash
from kajet.testutils.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROUNDS = 12
WEB_STAFF = reverse("accounts:login") + "?jako=pracownik"


class LightArgon2Hasher(Argon2PasswordHasher):
    """The production hasher class (Argon2, same algorithm name) with less memory, so the
    test takes seconds; the ratio between a fast and an Argon2 path is what matters."""

    memory_cost = 12288
    parallelism = 1


HASHERS = [
    "tests.test_signin_timing.LightArgon2Hasher",
    "kajet.accounts.hashers.IssuedSecretHasher",
]


def superiority(a: list[float], b: list[float]) -> float:
    """P(a draw from ``a`` < a draw from ``b``), ties counting ½ (Mann–Whitney U / n·m)."""
    wins = sum(1.0 if x < y else 0.5 if x == y else 0.0 for x in a for y in b)
    return wins / (len(a) * len(b))


def web_attempt(login: str, password: str) -> None:
    Client().post(WEB_STAFF, {"login": login, "password": password})


def api_attempt(login: str, password: str) -> None:
    Client().post(
        "/api/v1/auth/token",
        {"login": login, "password": password},
        content_type="application/json",
    )


def _users(world: Any, kind: str) -> list[str]:
    """ROUNDS distinct logins of one kind (distinct, so no lock starts during the test)."""
    logins = [f"{kind}-{i}" for i in range(ROUNDS)]
    if kind == "unknown":
        return logins
    encoded = issued_password_hash("Slip2Pass9x") if kind == "slip" else make_password(PASSWORD)
    for login in logins:
        UserFactory(
            school=world.school,
            login=login,
            roles=["teacher"],
            password=encoded,
            must_change_password=kind == "slip",
            is_active=kind != "off",
        )
    return logins


def _timed(attempt: Callable[[str, str], None], logins: dict[str, list[str]]) -> dict[str, list]:
    """Interleaved timings (one attempt of each kind per round), so machine load hits all."""
    times: dict[str, list[float]] = {kind: [] for kind in logins}
    for index in range(ROUNDS):
        for kind, names in logins.items():
            started = time.perf_counter()
            attempt(names[index], "wrong-Pass-77")
            times[kind].append(time.perf_counter() - started)
    return times


@pytest.mark.parametrize("attempt", [web_attempt, api_attempt], ids=["web", "api"])
def test_known_and_unknown_logins_are_not_separable_by_time(
    world: Any, settings: Any, attempt: Callable[[str, str], None]
) -> None:
    settings.PASSWORD_HASHERS = HASHERS
    logins = {kind: _users(world, kind) for kind in ("unknown", "slip", "chosen", "off")}
    attempt("warm-up", "x")  # the dummy hash is made once per process
    times = _timed(attempt, logins)
    unknown = times.pop("unknown")
    for kind, known in times.items():
        p = superiority(known, unknown)
        ratio = statistics.median(known) / statistics.median(unknown)
        assert 0.1 < p < 0.9, (kind, p, ratio)
        assert 0.6 < ratio < 1.7, (kind, p, ratio)


@pytest.mark.parametrize("attempt", [web_attempt, api_attempt], ids=["web", "api"])
@pytest.mark.parametrize("kind", ["unknown", "slip", "chosen", "off"])
def test_every_refusal_costs_one_default_hash(
    world: Any, settings: Any, attempt: Callable[[str, str], None], kind: str
) -> None:
    """The same property counted instead of timed: exactly one default-hasher verification
    (no encode) for every kind of refused login."""
    settings.PASSWORD_HASHERS = HASHERS
    login = _users(world, kind)[0]
    attempt("warm-up", "x")
    default = type(get_hasher("default"))
    with (
        mock.patch.object(default, "verify", autospec=True, side_effect=default.verify) as verify,
        mock.patch.object(default, "encode", autospec=True, side_effect=default.encode) as encode,
    ):
        attempt(login, "wrong-Pass-77")
    assert (verify.call_count, encode.call_count) == (1, 0)
    if kind != "unknown":
        assert User.objects.filter(login=login).exists()
