"""Just-issued logins and passwords, kept for a short while so the office can print slips.

Only password hashes are stored in the database; a plaintext password exists only in the
moment it is issued. To print the slips on the next page the list is kept in the session,
**encrypted** with a random key that lives only in the browser (an HttpOnly cookie limited to
/szkola/): the session table (the database, with the default session engine) holds
ciphertext, and the browser alone cannot read it either. Both expire after
``SLIP_TTL_SECONDS``; the slip page removes them when the user leaves it or has printed.

The cipher is a stream from SHAKE-256(key ‖ nonce) with an HMAC-SHA256 tag (stdlib only).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

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


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    return hashlib.shake_256(b"kajet-slips" + key + nonce).digest(length)


def _encrypt(key: bytes, plaintext: bytes) -> str:
    nonce = secrets.token_bytes(16)
    body = bytes(a ^ b for a, b in zip(plaintext, _stream(key, nonce, len(plaintext)), strict=True))
    tag = hmac.new(key, nonce + body, hashlib.sha256).digest()
    return base64.b64encode(nonce + tag + body).decode()


def _decrypt(key: bytes, token: str) -> bytes | None:
    try:
        raw = base64.b64decode(token)
    except ValueError:
        return None
    nonce, tag, body = raw[:16], raw[16:48], raw[48:]
    if not hmac.compare_digest(tag, hmac.new(key, nonce + body, hashlib.sha256).digest()):
        return None
    return bytes(a ^ b for a, b in zip(body, _stream(key, nonce, len(body)), strict=True))


def slips_store(request: HttpRequest, response: HttpResponse, slips: list[Slip]) -> None:
    """Keep ``slips`` (replacing earlier ones) for this browser for a short while."""
    key = secrets.token_bytes(32)
    payload = json.dumps([asdict(s) for s in slips], ensure_ascii=False).encode()
    request.session[SESSION_KEY] = {"at": time.time(), "data": _encrypt(key, payload)}
    response.set_cookie(
        COOKIE_NAME,
        base64.urlsafe_b64encode(key).decode(),
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
    try:
        key = base64.urlsafe_b64decode(cookie.encode())
    except ValueError:
        return []
    plaintext = _decrypt(key, str(stored.get("data", "")))
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
