from typing import Any

import pytest

from kajet.testutils.browser_fixtures import browser, signed_in  # noqa: F401  (browser tests)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    # year-end archives go to a throw-away folder
    settings.MEDIA_ROOT = tmp_path / "media"
