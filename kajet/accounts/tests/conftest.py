"""These tests read English messages: run them with English as the site's default language
(the UI's default is Polish; its translations arrive separately)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
