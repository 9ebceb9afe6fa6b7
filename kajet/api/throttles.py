"""The API's side of the rate limits (``kajet.accounts.ratelimit``): every request of a
signed-in user counts, after token authentication; DRF answers 429 with ``Retry-After``."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from kajet.accounts.models import User
from kajet.accounts.ratelimit import exceeded


class KajetRateThrottle(BaseThrottle):
    _wait: int | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        user = request.user
        if not isinstance(user, User):
            return True  # sign-in and other anonymous requests have their own throttle
        self._wait = exceeded(request._request, user, api=True)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait
