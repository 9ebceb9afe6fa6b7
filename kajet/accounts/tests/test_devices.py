"""The readable device names on the sessions page (a pure function, as a table)."""

from __future__ import annotations

import pytest

from kajet.accounts.devices import describe_user_agent

FIREFOX_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
EDGE_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (FIREFOX_WIN, "Firefox, Windows"),
        (CHROME_ANDROID, "Chrome, Android"),
        (SAFARI_IPHONE, "Safari, iPhone"),
        (EDGE_WIN, "Edge, Windows"),
        ("KajetApp/1.0 (Android 14)", "Kajet app, Android"),
        ("curl/8.5.0", "curl"),
        ("", ""),
        ("something else", ""),
    ],
)
def test_describe_user_agent(agent: str, label: str) -> None:
    assert describe_user_agent(agent) == label
