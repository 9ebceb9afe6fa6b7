"""Web Push: VAPID keys and sending one encrypted message (RFC 8291, via pywebpush).

The private key comes from ``KAJET_VAPID_PRIVATE_KEY`` (PEM) or the file
``KAJET_VAPID_PRIVATE_KEY_FILE`` (default ``var/vapid_private.pem``, written by
``manage.py notifications_vapid`` — ``make run`` calls it when the file is missing).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

#: Push services answer these when a subscription no longer exists.
GONE = (404, 410)


class PushNotConfigured(Exception):
    """No VAPID key: push is off until one is configured."""


def _vapid_pem() -> bytes | None:
    if settings.KAJET_VAPID_PRIVATE_KEY:
        return str(settings.KAJET_VAPID_PRIVATE_KEY).encode()
    path = Path(settings.KAJET_VAPID_PRIVATE_KEY_FILE)
    return path.read_bytes() if path.exists() else None


def vapid() -> Vapid02:
    pem = _vapid_pem()
    if pem is None:
        raise PushNotConfigured
    return Vapid02.from_pem(pem)


def push_configured() -> bool:
    return _vapid_pem() is not None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_key() -> str:
    """The application server key a browser subscribes with (base64url, uncompressed)."""
    key = vapid().public_key
    raw = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw)


def generate_private_key_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@dataclass(frozen=True)
class PushResult:
    ok: bool
    gone: bool = False
    error: str = ""


def push_send(*, endpoint: str, p256dh: str, auth: str, payload: dict[str, str]) -> PushResult:
    """Encrypt ``payload`` for one subscription and post it to its push service."""
    try:
        webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=json.dumps(payload),
            vapid_private_key=vapid(),
            vapid_claims={"sub": settings.KAJET_VAPID_SUBJECT},
            timeout=10,
            ttl=24 * 3600,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        return PushResult(False, gone=status in GONE, error=f"{status}: {error.message}"[:300])
    except OSError as error:  # requests' connection errors are OSErrors
        return PushResult(False, error=str(error)[:300])
    return PushResult(True)
