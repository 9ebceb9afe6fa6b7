"""Just-issued logins and passwords, kept for a short while so the office can print slips.

Only password hashes are stored in the database; a plaintext password exists only in the
moment it is issued. To print the slips on the next page the list is kept in the session,
**encrypted** with a random key that lives only in the browser (an HttpOnly cookie limited to
/szkola/): the session table (the database, with the default session engine) holds
ciphertext, and the browser alone cannot read it either. Both expire after
``SLIP_TTL_SECONDS``; the slip page removes them when the user leaves it or has printed.

The cipher is Fernet from ``cryptography`` (AES-128-CBC with an HMAC-SHA256 tag and a
timestamp): a kept primitive, not a home-made one. A token whose tag does not match (changed in
the session, or read with another browser's key) or that is older than ``SLIP_TTL_SECONDS`` is
refused, and the office sees no slips rather than wrong ones.

Values stored by the former stdlib cipher (before Fernet) cannot be converted: their key lived
only in the browser. They are refused like any other foreign token and expire within
``SLIP_TTL_SECONDS``, so no data migration is needed.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.http import HttpRequest, HttpResponse

SESSION_KEY = "kajet_slips"
COOKIE_NAME = "kajet_slipkey"
COOKIE_PATH = "/szkola/"
SLIP_TTL_SECONDS = 30 * 60


@dataclass
class SlipPerson:
    role: str  # student | guardian | staff
    name: str
    login: str
    password: str


@dataclass
class Slip:
    """One printed page: a family (the student and each guardian) or one staff member."""

    title: str
    class_name: str = ""
    people: list[SlipPerson] = field(default_factory=list)


def _encrypt(key: bytes, plaintext: bytes) -> str:
    return Fernet(key).encrypt(plaintext).decode()


def _decrypt(key: bytes, token: str) -> bytes | None:
    """The plaintext, or None for a token that is not genuine, not for this key, or too old."""
    try:
        return Fernet(key).decrypt(token.encode(), ttl=SLIP_TTL_SECONDS)
    except (InvalidToken, ValueError):
        return None


def slips_store(request: HttpRequest, response: HttpResponse, slips: list[Slip]) -> None:
    """Keep ``slips`` (replacing earlier ones) for this browser for a short while."""
    key = Fernet.generate_key()
    payload = json.dumps([asdict(s) for s in slips], ensure_ascii=False).encode()
    request.session[SESSION_KEY] = {"at": time.time(), "data": _encrypt(key, payload)}
    response.set_cookie(
        COOKIE_NAME,
        key.decode(),
        max_age=SLIP_TTL_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure(),
    )


def slips_load(request: HttpRequest) -> list[Slip]:
    """The slips kept for this browser, or [] (none, expired, or key missing)."""
    stored: Any = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(COOKIE_NAME, "")
    if not isinstance(stored, dict) or not cookie:
        return []
    if time.time() - float(stored.get("at", 0)) > SLIP_TTL_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return []
    plaintext = _decrypt(cookie.encode(), str(stored.get("data", "")))
    if plaintext is None:
        return []
    return [
        Slip(
            title=item["title"],
            class_name=item.get("class_name", ""),
            people=[SlipPerson(**p) for p in item["people"]],
        )
        for item in json.loads(plaintext)
    ]


def slips_clear(request: HttpRequest, response: HttpResponse) -> None:
    request.session.pop(SESSION_KEY, None)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Strict")
