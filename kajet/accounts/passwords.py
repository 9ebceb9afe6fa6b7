"""The one password check every sign-in path uses, in the same time class for every login.

Known and unknown logins must not be told apart by how long a refusal takes. A login that
does not exist, a login turned off (unusable password), a login still on its issued slip
password (``IssuedSecretHasher``, a fast salted SHA-256, ADR 2) and a chosen password
(Argon2, the default hasher) all cost exactly one verification by the *default* hasher: the
paths whose own hash is not the default one pay it on a dummy hash made once per process.

Used by the authentication backend (web sign-in, API token, anything that calls Django's
``authenticate(login=..., password=...)``); other account kinds (e.g. a portal account with its
own ``password`` field) call :func:`password_matches_equal_time` directly with their encoded
hash, or ``None`` when the account does not exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import cache

from django.contrib.auth.hashers import (
    UNUSABLE_PASSWORD_PREFIX,
    BasePasswordHasher,
    check_password,
    get_hasher,
    identify_hasher,
)


@cache
def _dummy_encoded(algorithm: str) -> str:
    """A hash of a random secret by the default hasher (made once per process and hasher)."""
    hasher = get_hasher("default")
    return hasher.encode(secrets.token_urlsafe(16), hasher.salt())


def _hasher_of(encoded: str | None) -> BasePasswordHasher | None:
    if not encoded or encoded.startswith(UNUSABLE_PASSWORD_PREFIX):
        return None
    try:
        return identify_hasher(encoded)
    except ValueError:
        return None


def default_hasher_work(password: str) -> None:
    """Spend one default-hasher verification (the price of checking a chosen password)."""
    hasher = get_hasher("default")
    hasher.verify(password, _dummy_encoded(hasher.algorithm))


def password_matches_equal_time(
    *, encoded: str | None, password: str, setter: Callable[[str], None] | None = None
) -> bool:
    """Whether ``password`` matches ``encoded`` (None: no such account), always at the cost of
    one default-hasher verification, so the answer's timing tells nothing about the account.

    ``setter`` re-hashes a right password whose hash is outdated (Django's ``check_password``
    contract; an issued slip password becomes Argon2 at its first use).
    """
    hasher = _hasher_of(encoded)
    if hasher is None or hasher.algorithm != get_hasher("default").algorithm:
        default_hasher_work(password)
    if hasher is None or encoded is None:
        return False
    return check_password(password, encoded, setter)
