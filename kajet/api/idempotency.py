"""``Idempotency-Key`` on every API write (POST, PUT, PATCH, DELETE) — issue 14.10.

A client that retries a write (a dropped connection after the server committed, a double tap)
sends the same key and gets the first answer again instead of a second object. The write and
the record of its answer are one transaction, so either both exist or neither does. The same
key with a different method, path or body is refused with 422. Keys are per user and kept for
``KEEP`` (a day); without the header a write behaves as before.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBase, JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from rest_framework.request import Request

from kajet.accounts.models import IdempotentWrite, User

HEADER = "Idempotency-Key"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEEP = datetime.timedelta(days=1)
MAX_KEY = 255


class Answered(Exception):
    """The answer to this request is already known (a replay, or a refusal of the key)."""

    def __init__(self, response: HttpResponseBase) -> None:
        super().__init__("answered")
        self.response = response


def fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request._request.path):
        digest.update(part.encode() + b"\0")
    # a body already read as a stream: method and path only
    with contextlib.suppress(RawPostDataException):
        digest.update(request._request.body)
    return digest.hexdigest()


def _refuse(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def begin(request: Request, user: User) -> IdempotentWrite | None:
    """Before the handler runs (inside the write's transaction): None without a key; else the
    new record of this write, or ``Answered`` with the stored answer or a refusal."""
    key = request.headers.get(HEADER, "").strip()
    if request.method not in WRITES or not key:
        return None
    if len(key) > MAX_KEY:
        raise Answered(_refuse(f"{HEADER} is longer than {MAX_KEY} characters.", 400))
    IdempotentWrite.objects.filter(user=user, created_at__lt=timezone.now() - KEEP).delete()
    print_ = fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotentWrite.objects.create(user=user, key=key, fingerprint=print_)
    except IntegrityError:
        pass  # this key was used before (or a concurrent request holds it and has committed)
    earlier = IdempotentWrite.objects.get(user=user, key=key)
    if earlier.fingerprint != print_:
        raise Answered(
            _refuse(f"This {HEADER} was used for a different request; use a new key.", 422)
        )
    if earlier.status == 0:
        raise Answered(_refuse("The first request with this key is still running.", 409))
    replay = HttpResponse(
        bytes(earlier.content), status=earlier.status, content_type=earlier.content_type
    )
    replay["Idempotent-Replayed"] = "true"
    raise Answered(replay)


def finish(record: IdempotentWrite, response: Any) -> None:
    """After the handler, still inside the write's transaction: store a successful answer.
    A refused write stores nothing (its transaction is rolled back with the record)."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    record.status = response.status_code
    record.content_type = response.get("Content-Type", "")
    record.content = bytes(response.content)
    record.save(update_fields=["status", "content_type", "content"])
