"""Opens the school scope once, at the edge, for every page request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django_scopes import scope


class SchoolScopeMiddleware:
    """Runs the rest of the request inside ``scope(school=<the user's school>)``.

    Anonymous requests and operators (no school) get no scope at all, so any tenant query
    they reach raises ScopeError instead of reading across schools. The API opens its own
    scope after token authentication (kajet.api.views.ScopedAPIView).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        school_id = getattr(user, "school_id", None) if user.is_authenticated else None
        if school_id is None:
            return self.get_response(request)
        with scope(school=school_id):
            return self.get_response(request)
