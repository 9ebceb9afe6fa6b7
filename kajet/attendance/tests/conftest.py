from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    # uploaded excuse documents go to a throw-away folder
    settings.MEDIA_ROOT = tmp_path / "media"
