"""The school scope opened for a request is closed however the request ends (issue 14.5):
a handled error, an unhandled exception (a 500), or success — for the API base view and the
pages' middleware alike. A leaked scope would carry one school into the worker's next request."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django_scopes import get_scope
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import force_authenticate

from kajet.api.base import ScopedAPIView
from kajet.core.middleware import SchoolScopeMiddleware

pytestmark = pytest.mark.django_db


class Boom(ScopedAPIView):
    seen: dict[str, Any] = {}

    def get(self, request: Request) -> Response:
        Boom.seen = dict(get_scope())
        kind = request.query_params.get("kind")
        if kind == "crash":
            raise ValueError("an unexpected error")
        if kind == "missing":
            raise NotFound()
        return Response({"ok": True})


@pytest.mark.parametrize("kind", ["ok", "missing", "crash"])
def test_api_scope_closes(world: Any, kind: str) -> None:
    request = RequestFactory().get("/x", {"kind": kind})
    force_authenticate(request, user=world.user("teacher"))
    before = dict(get_scope())
    try:
        Boom.as_view()(request)
    except ValueError:
        assert kind == "crash"
    assert Boom.seen["school"] == world.school.pk  # the handler did run inside the scope
    assert dict(get_scope()) == before


def test_page_scope_closes_when_the_view_raises(world: Any) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        assert get_scope()["school"] == world.school.pk
        raise ValueError("an unexpected error")

    request = RequestFactory().get("/x")
    request.user = world.user("teacher")
    before = dict(get_scope())
    with pytest.raises(ValueError):
        SchoolScopeMiddleware(view)(request)
    assert dict(get_scope()) == before
