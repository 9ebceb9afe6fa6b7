"""Every URL pattern of the project, walked recursively through every ``include``.

Shared by the tenant-isolation walk and the browser accessibility test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

_PART = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern with the full route (``szkola/uczniowie/<int:student_id>/``)."""

    route: str
    name: str  # "namespace:name", or "" for an unnamed pattern
    kwargs: tuple[tuple[str, str], ...]  # (kwarg, converter name as in the route: "int", …)
    app: str  # the Kajet app whose view serves it ("" for third-party views)
    converters: tuple[str, ...] = ()  # the converter names as written (``id``, ``int``, …)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")

    @property
    def label(self) -> str:
        return self.name or self.route

    def int_kwargs(self) -> list[str]:
        return [k for k, conv in self.kwargs if conv == "int"]

    def build(self, values: dict[str, Any]) -> str:
        return "/" + _PART.sub(lambda m: str(values[m.group("name")]), self.route)


def _view_app(callback: Any) -> str:
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    module = getattr(view, "__module__", "") or ""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "kajet" else ""


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern below ``patterns``, recursively through includes."""
    for entry in patterns:
        pattern = entry.pattern
        if not hasattr(pattern, "converters"):  # a regex pattern: no Kajet URL uses them
            raise AssertionError(
                f"regex URL pattern {pattern} under {prefix!r}: teach tests/"
                "test_tenant_isolation.py to walk it"
            )
        route = prefix + str(pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if entry.namespace and namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Route(
                route=route,
                name=name,
                # ``id`` (kajet.core.converters) is an int converter for the walkers.
                kwargs=tuple(
                    (m["name"], "int" if m["conv"] == "id" else m["conv"] or "str")
                    for m in _PART.finditer(route)
                ),
                app=_view_app(entry.callback),
                converters=tuple(m["conv"] or "str" for m in _PART.finditer(route)),
            )


def all_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


#: URLs without arguments that carry no school data (the OpenAPI schema is built from code).
NO_DATA = {"api-schema", "api-docs", "favicon", "healthz", "noop", "set_language"}


def plain_routes() -> list[Route]:
    """Routes without arguments that show school data (pages and API lists)."""
    return [r for r in all_routes() if not r.kwargs and r.name not in NO_DATA]


def close_response(response: Any) -> None:
    """Close a test response (a file download holds its file open) without the
    ``request_finished`` handler that closes the database connection — which on PostgreSQL
    would end the test's transaction."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
