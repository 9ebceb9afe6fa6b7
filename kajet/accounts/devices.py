"""A short, readable name for a browser or app from its User-Agent ("Firefox, Windows").

Pure and deliberately rough: it only has to let a person recognise their own devices on the
sessions page; the full string stays in the record (and in the page's title attribute).
"""

from __future__ import annotations

#: (marker in the User-Agent, name) — first match wins, so order matters (Edge and Opera
#: also say "Chrome"; Chrome also says "Safari").
BROWSERS = [
    ("KajetApp", "Kajet app"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("okhttp", "Android app"),
    ("python-requests", "Python script"),
]
SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def describe_user_agent(user_agent: str) -> str:
    """``"Firefox, Windows"``, ``"Chrome"``, ``"Linux"`` or ``""`` when nothing is known."""
    browser = next((name for marker, name in BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in SYSTEMS if marker in user_agent), "")
    return ", ".join(part for part in (browser, system) if part)
