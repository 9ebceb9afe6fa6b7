"""Cross-cutting pages: health check, the benchmark no-op, error pages (none of them shows
internals: no traceback, no settings, no reason strings)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from kajet.core.health import health


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 ``{"status": "ok", "database": "ok", "redis":
    "ok"}`` when every check passes, 503 with ``"status": "error"`` and the failing check's
    ``"error"`` otherwise (``redis`` only when Redis is configured). Never cached."""
    checks = health()
    ok = all(value == "ok" for value in checks.values())
    response = JsonResponse(
        {"status": "ok" if ok else "error", **checks}, status=200 if ok else 503
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: browsers ask the site's root for it where a page names no icon (a PDF,
    a JSON answer); the pages themselves link the static file from ``base.html``."""
    return redirect(static("kajet/favicon.ico"), permanent=True)


@require_GET
@login_required
def noop(request: HttpRequest) -> HttpResponse:
    """The benchmark baseline: passes the whole middleware stack as a signed-in user (session,
    scope, guards) and renders nothing. bench/ compares every page against it."""
    return HttpResponse(b"ok", content_type="text/plain")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be in the database or a context processor.
    return HttpResponse(render_to_string("500.html"), status=500)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a friendly 403 that reveals nothing (Django's default page explains
    the CSRF mechanism and, with DEBUG, the reason)."""
    return render(request, "core/403_csrf.html", status=403)
