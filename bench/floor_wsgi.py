"""The WSGI application bench/run.py serves: Kajet, plus the bare-Django floor.

``/bench/floor`` is answered by a plain Django view through Django's own request handler
(``WSGIHandler``: request object, URL resolution, response, ``request_started`` /
``request_finished`` signals) with **no middleware** and a one-line URLconf — the least any
Django page costs on this server. Every other path goes to Kajet's ``config.wsgi``
application unchanged. Both live in the same gunicorn worker processes, so the floor, the
no-op (Kajet's whole middleware as a signed-in user) and the page are measured under the same
conditions. Used by bench only; production serves ``config.wsgi:application``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import path

from config.wsgi import application as kajet

FLOOR = "/bench/floor"


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(FLOOR.lstrip("/"), floor)]


class FloorHandler(WSGIHandler):
    """Django's WSGI handler without the settings' middleware and with this module's URLs."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        self._middleware_chain = convert_exception_to_response(
            self._get_response  # type: ignore[attr-defined]  # Django's own, untyped in stubs
        )

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        request.urlconf = __name__  # type: ignore[attr-defined]
        return super().get_response(request)


_floor = FloorHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == FLOOR:
        return _floor(environ, start_response)
    return kajet(environ, start_response)
