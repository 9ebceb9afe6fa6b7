"""The installable app: web app manifest, service worker (served from the site's root so its
scope is the whole site) and the offline page it shows when the server cannot be reached."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path, reverse
from django.views.decorators.cache import cache_control

THEME = "#1d4ed8"


def shell_urls() -> list[str]:
    """What the service worker keeps for offline use: the offline page and the static shell
    (never a signed-in page: those may hold a family's data)."""
    return [
        reverse("pwa_offline"),
        static("kajet/kajet.css"),
        static("kajet/htmx.min.js"),
        static("notifications/pwa.js"),
        static("notifications/icon-192.png"),
    ]


@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": "Kajet — dziennik elektroniczny",
        "short_name": "Kajet",
        "description": "Oceny, frekwencja, wiadomości i plan lekcji Twojej szkoły.",
        "lang": "pl",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": "#ffffff",
        "icons": [
            {"src": static("notifications/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("notifications/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("notifications/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = shell_urls()
    version = hashlib.sha256("|".join(shell).encode()).hexdigest()[:12]
    body = render_to_string(
        "notifications/sw.js",
        {"shell": shell, "version": version, "offline": reverse("pwa_offline")},
    )
    return HttpResponse(body, content_type="application/javascript; charset=utf-8")


@cache_control(max_age=3600, public=True)
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/offline.html")


urlpatterns = [
    path("manifest.webmanifest", manifest, name="pwa_manifest"),
    path("sw.js", service_worker, name="pwa_service_worker"),
    path("offline/", offline, name="pwa_offline"),
]
