"""Browser test of the seed's whole Kajet-account flow, at phone width (360 px): register →
the activation e-mail arrives at a real SMTP server on loopback → activate → sign in → link two
children's logins in two schools → switch with one tap → each child's grades are shown, and the
other school's data is never reachable with the wrong login.

Selectors use hrefs, names and values (not the UI's words). Set KAJET_SCREENSHOTS=DIR to keep a
PNG of every page the flow passes (for looking at the pages)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from kajet.grades.tests.helpers import category, column, mark
from kajet.portal.models import LoginLink, PortalAccount
from kajet.portal.services import terms_current, terms_publish
from kajet.testutils.browser import SIGN_IN, assert_accessible, horizontal_overflow, path_of
from kajet.testutils.factories import PASSWORD, SchoolWorld, make_world
from kajet.testutils.smtp import SmtpSink

pytestmark = pytest.mark.browser

EMAIL = "rodzina.nowak@example.pl"
PORTAL_PASSWORD = "Zeszyt-w-kratke-7"


@pytest.fixture
def schools(transactional_db: Any) -> tuple[SchoolWorld, SchoolWorld]:
    # A transactional test before this one emptied the tables, the terms of migration 0002 too.
    if terms_current() is None:
        terms_publish(text="Regulamin Konta Kajet (wersja testowa)")
    return make_world("a"), make_world("b")


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("KAJET_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _check(page: Any, name: str) -> None:
    """Every page of the flow: accessible, no horizontal scroll at 360 px."""
    assert_accessible(page)
    assert horizontal_overflow(page) == 0, f"{path_of(page)} scrolls sideways"
    _shot(page, name)


def _wait_for_mail(sink: SmtpSink, count: int) -> str:
    deadline = time.monotonic() + 10
    while len(sink.received) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(sink.received) >= count, "the activation e-mail did not arrive"
    return sink.received[count - 1].text()


def _register(page: Any) -> None:
    page.goto(SIGN_IN)
    page.locator("main a[href*='jako=rodzina']").click()
    page.locator(f"main a[href='{reverse('portal:start')}']").first.click()
    _check(page, "1-start")
    page.locator(f"main a[href='{reverse('portal:first_time')}']").click()
    _check(page, "2-first-time")
    page.locator(f"main a[href='{reverse('portal:register')}']").click()
    _check(page, "3-register")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PORTAL_PASSWORD)
    page.fill("input[name=password_again]", PORTAL_PASSWORD)
    page.check("input[name=age_range][value='18+']")
    page.check("input[name=accept_terms]")
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"**{reverse('portal:register_sent')}")
    _check(page, "4-sent")


def _activate_and_sign_in(page: Any, sink: SmtpSink) -> None:
    body = _wait_for_mail(sink, 1)
    assert sink.received[0].rcpt_tos == [EMAIL]
    link = re.search(r"(https?://\S+/konto-kajet/aktywuj/\?t=\S+)", body)
    assert link, body
    page.goto(link.group(1))
    _check(page, "5-activate")
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"**{reverse('portal:signin')}")
    account = PortalAccount.objects.get(email=EMAIL)
    assert account.activated_at is not None and account.terms is not None
    _check(page, "6-signin")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PORTAL_PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"**{reverse('portal:home')}")
    _check(page, "7-home-empty")


def _link(page: Any, login: str, shot: str) -> None:
    page.locator(f"main a[href='{reverse('portal:link_add')}']").click()
    _check(page, shot)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"**{reverse('portal:home')}")


def _switch_button(page: Any, link_id: int) -> Any:
    switch = reverse("portal:switch")
    return page.locator(
        f"main form[action='{switch}']:has(input[name=link][value='{link_id}']) [type=submit]"
    )


def _open_as(page: Any, link: LoginLink) -> None:
    page.goto(reverse("portal:home"))
    _switch_button(page, link.pk).click()
    page.wait_for_url("**/")


def _status(page: Any, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return int(response.status)


def test_register_activate_link_two_schools_and_switch(
    new_page: Any, schools: tuple[SchoolWorld, SchoolWorld], smtp_server: SmtpSink
) -> None:
    a, b = schools
    grade_a = mark(column(a.course, a.term, category(a.school)), a.student, "5")
    grade_b = mark(column(b.course, b.term, category(b.school)), b.student, "2")
    page = new_page(width=360)
    _register(page)
    _activate_and_sign_in(page, smtp_server)
    _link(page, a.user("guardian").login, "8-link-add")
    _link(page, b.user("guardian").login, "8-link-add-2")
    _check(page, "9-home-two-logins")
    link_a = LoginLink.objects.get(user=a.user("guardian"))
    link_b = LoginLink.objects.get(user=b.user("guardian"))

    _open_as(page, link_a)
    assert a.student.user.first_name in page.locator("main").inner_text()
    page.goto(reverse("grades:index"))
    _check(page, "10-grades-school-a")
    assert page.locator(f"a[href='{reverse('grades:mark', args=[grade_a.pk])}']").count() == 1
    assert _status(page, reverse("grades:mark", args=[grade_b.pk])) == 404
    assert _status(page, reverse("school:student_detail", args=[b.student.pk])) == 404

    # One tap back to the list (account menu), one tap to the other school's login.
    page.goto("/")
    page.locator("details.user-menu > summary").click()
    page.locator(f"details.user-menu a[href='{reverse('portal:home')}']").click()
    _switch_button(page, link_b.pk).click()
    page.wait_for_url("**/")
    page.goto(reverse("grades:index"))
    _check(page, "11-grades-school-b")
    assert page.locator(f"a[href='{reverse('grades:mark', args=[grade_b.pk])}']").count() == 1
    assert _status(page, reverse("grades:mark", args=[grade_a.pk])) == 404
    assert b.school.name in page.locator("header").inner_text() or b.school.short_name in (
        page.locator("header").inner_text()
    )


def test_expired_and_bad_activation_links_at_360px(new_page: Any, db: Any) -> None:
    page = new_page(width=360)
    page.goto(reverse("portal:activate") + "?t=zepsuty")
    _check(page, "12-activate-invalid")
    assert page.locator("main [role=alert]").count() == 1
