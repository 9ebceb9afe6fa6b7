"""A loopback Web Push service for tests: it accepts encrypted pushes like a browser vendor's
push service would, and the test holds the subscription's key pair, so it can decrypt them
(RFC 8291) with http_ece."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class PushService:
    """Received pushes (headers, body) and the status code to answer (201, or 410)."""

    base: str
    answer: int = 201
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@dataclass
class Subscriber:
    """A browser's side of a subscription: its key pair and auth secret."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    def subscription(self) -> dict[str, Any]:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        data: dict[str, Any] = json.loads(plain)
        return data


def subscriber(service: PushService, name: str = "device") -> Subscriber:
    return Subscriber(
        f"{service.base}/push/{name}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    )


@pytest.fixture
def push_service() -> Iterator[PushService]:
    """Start the push service on 127.0.0.1 (a free port)."""
    service = PushService("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            headers[":path"] = self.path
            service.received.append((headers, body))
            self.send_response(service.answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def vapid_key(settings: Any) -> str:
    from kajet.notifications.push import generate_private_key_pem

    settings.KAJET_VAPID_PRIVATE_KEY = generate_private_key_pem().decode()
    settings.KAJET_VAPID_SUBJECT = "mailto:test@example.org"
    return str(settings.KAJET_VAPID_PRIVATE_KEY)
