"""The site's icon: linked from every page and answered at ``/favicon.ico`` (browsers ask
there for a PDF or a JSON answer), never a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_is_a_static_file_the_root_url_redirects_to(client: Any) -> None:
    assert finders.find("kajet/favicon.ico")
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("kajet/favicon.ico")


def test_pages_link_the_favicon(client: Any) -> None:
    page = client.get("/konto/logowanie/").content.decode()
    assert f'<link rel="icon" href="{static("kajet/favicon.ico")}"' in page
