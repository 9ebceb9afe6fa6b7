"""Rate limits for signed-in users: how many writes a user, and a whole school, may make per
window, and how many API requests a user may make.

One rule for pages and the API: ``RateLimitMiddleware`` applies it to every page request and
``kajet.api.throttles.KajetRateThrottle`` to every API request, both through ``exceeded()``.
The counters live in the cache (django-ratelimit's fixed windows): Redis in production, so the
limits count across all app instances; the per-process cache in the embedded default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from kajet.accounts.models import User

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Limit:
    group: str  # the counter's name
    key: str  # whose counter: the user's or the school's id


def limits_for(user: User, method: str, *, api: bool) -> list[Limit]:
    """The counters one request of ``user`` adds to (the names are keys of
    ``settings.KAJET_RATE_LIMITS``)."""
    found = []
    if api:
        found.append(Limit("user_api", f"u{user.pk}"))
    if method in UNSAFE:
        found.append(Limit("user_write", f"u{user.pk}"))
        if user.school_id is not None:
            found.append(Limit("school_write", f"s{user.school_id}"))
    return found


def exceeded(request: HttpRequest, user: User, *, api: bool) -> int | None:
    """Count this request; the seconds to wait when one of its limits is exceeded, else None.

    Every counter is incremented, so a client that keeps retrying does not get through early."""
    wait = None
    for limit in limits_for(user, request.method or "GET", api=api):
        usage = get_usage(
            request,
            group=f"kajet.{limit.group}",
            key=lambda _group, _request, value=limit.key: value,
            rate=settings.KAJET_RATE_LIMITS[limit.group],
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            wait = max(wait or 1, usage["time_left"])
    return wait


class RateLimitMiddleware:
    """Page requests of signed-in users (the API counts in its own throttle, after token
    authentication): 429 with ``Retry-After`` and a page in the user's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith("/api/"):
            assert isinstance(user, User)
            wait = exceeded(request, user, api=False)
            if wait is not None:
                return too_many(request, wait)
        return self.get_response(request)


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    response: HttpResponse
    if request.headers.get("HX-Request"):
        response = JsonResponse({"detail": "Too many requests."}, status=429)
    else:
        response = render(request, "429.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response
