"""Browser test (Chromium): the manifest is valid, the service worker registers, and the Polish
offline page shows once the server is stopped; the pages fit 360 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


class OneShotHandler(QuietWSGIRequestHandler):
    protocol_version = "HTTP/1.0"  # no keep-alive: a stopped server answers nothing more


class StoppableServer(LiveServerThread):
    def _create_server(self, connections_override: Any = None) -> ThreadedWSGIServer:
        return ThreadedWSGIServer(
            (self.host, self.port),
            OneShotHandler,
            allow_reuse_address=False,
            connections_override=connections_override,
        )


def start_server() -> LiveServerThread:
    """A server of our own, so that the test can stop it (pytest-django's lives on)."""
    override = {c.alias: c for c in connections.all() if c.vendor == "sqlite"}
    for connection in override.values():
        connection.inc_thread_sharing()  # the in-memory test database, shared as Django does
    thread = StoppableServer("127.0.0.1", StaticFilesHandler, connections_override=override)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread


def test_installable_and_offline(browser: Any, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    server = start_server()
    base = f"http://127.0.0.1:{server.port}"
    try:
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="pl")
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{base}/konto/logowanie/")
        manifest_href = page.get_attribute("link[rel=manifest]", "href")
        manifest = page.evaluate(
            "href => fetch(href).then(r => r.json().then(j => [r.headers.get('content-type'), j]))",
            manifest_href,
        )
        kind, data = manifest
        assert kind == "application/manifest+json"
        assert data["display"] == "standalone" and data["start_url"] == "/"
        assert data["short_name"] and data["name"] and data["theme_color"]
        for icon in data["icons"]:
            status = page.evaluate("src => fetch(src).then(r => r.status)", icon["src"])
            assert status == 200, icon["src"]
        scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.active && r.scope)")
        assert scope == f"{base}/"
        # The worker keeps the shell once installed; wait until it controls the page.
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        server.terminate()
    page.goto(f"{base}/oceny/")
    assert "Brak połączenia z Kajetem" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for connection in connections.all():
        if connection.vendor == "sqlite" and connection.allow_thread_sharing:
            connection.dec_thread_sharing()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pwa-offline-360.png"), full_page=True)
    context.close()
