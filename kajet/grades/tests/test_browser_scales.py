"""Browser test: the administrator defines the early years' scale on a phone (360 px), a
mistake is refused with its reason, and the page passes axe."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kajet.grades.models import MarkScale, MarkScaleAssignment
from kajet.testutils.axe import axe_violations, require_axe
from kajet.testutils.factories import SchoolWorld

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_admin_defines_and_assigns_a_scale_on_a_phone(
    world: SchoolWorld, live_server: Any, signed_in: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    script = require_axe()
    page = signed_in(world.user("school_admin"), width=360)
    page.goto(live_server.url + reverse("grades:scale_new"))
    page.fill("input[name=name]", "Klasy 1–3")
    page.select_option("select[name=kind]", "symbols")
    page.fill("textarea[name=symbols]", "W = wspaniale = 6\nw = jeszcze raz")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "is repeated" in page.locator("[role=alert]").inner_text()
    assert not MarkScale.objects.exists()
    assert axe_violations(page, script) == []
    page.fill("textarea[name=symbols]", "W = wspaniale = 6\nB = bardzo dobrze = 5\n● = kropka")
    page.click("main button[type=submit]")
    page.wait_for_url("**/zasady/skale/")
    page.fill("input[name=level]", "1")
    page.click("button:has-text('Assign')")
    page.wait_for_url("**/zasady/skale/")
    assert MarkScaleAssignment.objects.filter(level=1).exists()
    assert "wspaniale" in page.locator("main").inner_text()
    assert axe_violations(page, script) == []
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
    page.screenshot(path="/tmp/scales_360.png", full_page=True)
