"""Every HTML response carries the security header set (README "Security headers"), and no page
holds an inline script or an ``on…=`` handler that the Content-Security-Policy would block."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from kajet.core.tests.test_deploy_settings import production_env
from kajet.testutils.browser import SIGN_IN
from kajet.testutils.factories import SchoolWorld
from tests.urlwalk import close_response, plain_routes

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")", re.I
)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def header_problems(url: str, response: Any) -> list[str]:
    problems = []
    csp = directives(response.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    if not scripts:
        problems.append(f"{url}: no Content-Security-Policy script-src")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(scripts):
        problems.append(f"{url}: script-src allows {scripts}")
    if csp.get("object-src") != ["'none'"] or csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"{url}: object-src/frame-ancestors not 'none'")
    policy = response.get("Permissions-Policy", "")
    for feature in ("camera=()", "geolocation=()", "microphone=()"):
        if feature not in policy:
            problems.append(f"{url}: Permissions-Policy lacks {feature}")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{url}: {name} is {response.get(name)!r}")
    body = response.content.decode()
    if INLINE_SCRIPT.search(body):
        problems.append(f"{url}: inline <script>")
    if handler := INLINE_HANDLER.search(body):
        problems.append(f"{url}: inline handler {handler.group(0)[:60]!r}")
    return problems


def html_responses(client: Client) -> list[tuple[str, Any]]:
    found = []
    for route in plain_routes():
        if route.is_api:
            continue
        url = route.build({})
        response = client.get(url)
        close_response(response)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found.append((url, response))
    return found


@pytest.mark.parametrize(
    "role", ["guardian", "student", "teacher", "homeroom_teacher", "secretariat", "principal"]
)
def test_every_page_carries_the_security_headers(world: SchoolWorld, role: str) -> None:
    client = Client()
    client.force_login(world.user(role), backend="kajet.accounts.backends.LoginBackend")
    pages = html_responses(client)
    assert len(pages) >= 5
    problems = [p for url, response in pages for p in header_problems(url, response)]
    assert not problems, "\n".join(problems)


def test_signed_out_pages_and_errors_carry_them_too(db: Any) -> None:
    client = Client()
    problems = []
    for url in (SIGN_IN, f"{SIGN_IN}?jako=rodzina", "/nie-ma/", "/offline/", "/api/docs/"):
        response = client.get(url)
        problems += header_problems(url, response)
    assert not problems, "\n".join(problems)


def test_the_check_finds_an_inline_script_and_a_handler() -> None:
    class Page(dict[str, str]):
        content = b'<p><script>alert(1)</script><button onclick="x()">b</button></p>'

    problems = " | ".join(header_problems("/x/", Page()))
    for expected in (
        "script-src",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "inline <script>",
        "onclick",
    ):
        assert expected in problems


HSTS_PROBE = """
import django
django.setup()
from django.test import Client
response = Client().get("/healthz", secure=True, HTTP_HOST="kajet.example.org")
print(response.get("Strict-Transport-Security"))
"""


def test_production_sends_hsts(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", HSTS_PROBE],
        cwd=Path(settings.BASE_DIR),
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "max-age=31536000; includeSubDomains; preload"
