"""Screenshots of the main pages for every demo role, at 1280 px and 360 px (``make screenshots``).

    python scripts/screenshots.py          # a fresh demo database; writes docs/screenshots/
    python scripts/screenshots.py --address URL --logins var/demo-logins.json --out DIR
                                           # an already running Kajet with the demo data

Without ``--address`` the script starts from nothing: a temporary directory becomes the var
directory (SQLite database, static files), the demo schools are seeded there, Kajet is served by
gunicorn on a free loopback port, and the system Chromium (Playwright) signs in as every demo
role of the first demo school through the real sign-in form, in Polish. Each PNG is the visible
part of the page (the top of it), reduced to 256 colours so the committed images stay small.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 800), "phone": (360, 760)}
PASSWORD_FIELD = "input[name=password]"

#: The main pages of each role: (file name part, path, and optionally a link on that page to
#: follow, e.g. the first class's grade sheet). A few per role keep the images small.
PAGES: dict[str, list[tuple[str, str, str]]] = {
    "guardian": [
        ("home", "/", ""),
        ("grades", "/oceny/", ""),
        ("attendance", "/frekwencja/", ""),
        ("calendar", "/plan/terminarz/", ""),
    ],
    "student": [("home", "/", ""), ("grades", "/oceny/", ""), ("timetable", "/plan/", "")],
    "teacher": [
        ("home", "/", ""),
        ("grade-sheet", "/oceny/", "main a[href*='/oceny/kurs/']"),
        ("messages", "/wiadomosci/", ""),
    ],
    "homeroom_teacher": [
        ("home", "/", ""),
        ("attendance", "/frekwencja/", ""),
        ("messages", "/wiadomosci/", ""),
    ],
    "principal": [
        ("home", "/", ""),
        ("attendance", "/frekwencja/", ""),
        ("announcements", "/ogloszenia/", ""),
    ],
    "school_admin": [("home", "/", ""), ("school", "/szkola/", "")],
    "secretariat": [("home", "/", ""), ("school", "/szkola/", "")],
    "pedagogue": [("home", "/", ""), ("messages", "/wiadomosci/", "")],
    "psychologist": [("home", "/", ""), ("messages", "/wiadomosci/", "")],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


@contextmanager
def demo_server() -> Iterator[tuple[str, Path]]:
    """A fresh demo deployment on a loopback port: yields its address and its logins file."""
    var = Path(tempfile.mkdtemp(prefix="kajet-screenshots-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(KAJET_VAR_DIR=str(var), KAJET_STATIC_ROOT=str(var / "static"), DJANGO_DEBUG="")
    env.pop("REDIS_URL", None)
    server = None
    try:
        print("== migrate, seed the demo schools, collect static files")
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "seed_demo")
        _manage(env, "collectstatic", "--noinput", "-v0")
        port = _free_port()
        address = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket"],
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{address}/konto/logowanie/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield address, var / "demo-logins.json"
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(var, ignore_errors=True)


def _shrink(path: Path) -> None:
    """256 colours: text and flat colours survive, the file is a third of the size."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def take(address: str, logins_file: Path, out: Path, only: set[str] | None = None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    rows = json.loads(logins_file.read_text())
    school = rows[0]["school"]
    logins = {row["role"]: row for row in rows if row["school"] == school}
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for role, pages in PAGES.items():
            if only and role not in only:
                continue
            row = logins[role]
            for size, (width, height) in WIDTHS.items():
                context = browser.new_context(
                    base_url=address,
                    viewport={"width": width, "height": height},
                    locale="pl-PL",
                    device_scale_factor=1,
                )
                page = context.new_page()
                kind = "rodzina" if role in ("guardian", "student") else "pracownik"
                page.goto(f"/konto/logowanie/?jako={kind}")
                page.fill("input[name=login]", row["login"])
                page.fill(PASSWORD_FIELD, row["password"])
                with page.expect_navigation():
                    page.locator(f"main form:has({PASSWORD_FIELD}) [type=submit]").click()
                for name, path, follow in pages:
                    page.goto(path)
                    if follow:
                        with page.expect_navigation():
                            page.locator(follow).first.click()
                    target = out / f"{role}-{name}-{size}.png"
                    page.screenshot(path=str(target), animations="disabled", caret="hide")
                    _shrink(target)
                    written.append(target)
                    print(
                        f"   {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                    )
                context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", help="a running Kajet with the demo data (skip seeding)")
    parser.add_argument("--logins", default=str(ROOT / "var" / "demo-logins.json"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--role", action="append", help="only these roles (repeatable)")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    only = set(args.role) if args.role else None
    if args.address:
        take(args.address.rstrip("/"), Path(args.logins), out, only)
        return
    with demo_server() as (address, logins_file):
        print(f"== screenshots from {address} into {out}")
        take(address, logins_file, out, only)


if __name__ == "__main__":
    main()
