"""Messaging tests read English messages (the UI's default is Polish; translations arrive
separately); the browser tests use the shared Playwright fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from kajet.testutils.browser_fixtures import browser, signed_in

__all__ = ["browser", "signed_in"]


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    # uploaded attachments go to a throw-away folder
    settings.MEDIA_ROOT = tmp_path / "media"
