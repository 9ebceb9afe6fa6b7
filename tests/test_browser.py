"""Browser tests: the real sign-in, home, child switcher, sign-out and sessions in Chromium.

Assertions use names, ids, hrefs and the test data (people's names), not the UI's words, so
they hold in Polish and English alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import User, UserSession
from kajet.school.models import Guardianship
from kajet.testutils.browser import (
    SIGN_IN,
    accessibility_problems,
    assert_accessible,
    path_of,
    scroll_width,
    sign_in,
    sign_out,
)
from kajet.testutils.factories import PASSWORD, SchoolWorld, make_world
from tests.urlwalk import close_response, plain_routes

pytestmark = pytest.mark.browser

HOME = "/"


@pytest.fixture
def world(transactional_db: Any) -> SchoolWorld:
    return make_world("a")


def _main(page: Any) -> str:
    text: str = page.locator("main").inner_text()
    return text


def test_guardian_signs_in_and_sees_their_child(page: Any, world: SchoolWorld) -> None:
    page.goto(SIGN_IN)
    assert_accessible(page)
    page.locator("main a[href*='jako=rodzina']").click()
    assert "jako=rodzina" in path_of(page)
    assert_accessible(page)
    page.locator("input[name=login]").fill(world.user("guardian").login)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url("**/")
    assert path_of(page) == HOME
    assert world.student.user.full_name in _main(page)
    assert world.school_class.name in _main(page)
    assert world.school.name in _main(page)
    assert world.other_student.user.full_name not in _main(page)
    assert_accessible(page)


def test_student_signs_in_and_sees_themself(page: Any, world: SchoolWorld) -> None:
    student = world.user("student")
    assert student.login.endswith("u")
    sign_in(page, student.login, PASSWORD)
    assert path_of(page) == HOME
    assert student.full_name in page.locator("h1 + p").inner_text()
    assert student.full_name in page.locator("details.user-menu > summary").inner_text()
    assert world.school_class.name in _main(page)
    assert page.locator(".child-switcher").count() == 0
    assert_accessible(page)


def test_staff_signs_in_and_sees_their_courses(page: Any, world: SchoolWorld) -> None:
    teacher = world.user("teacher")
    sign_in(page, teacher.login, PASSWORD, staff=True)
    assert path_of(page) == HOME
    assert teacher.full_name in page.locator("h1 + p").inner_text()
    assert teacher.full_name in page.locator("details.user-menu > summary").inner_text()
    assert world.student.user.full_name not in _main(page)
    assert_accessible(page)


def test_staff_login_on_the_family_form_is_refused(page: Any, world: SchoolWorld) -> None:
    sign_in(page, world.user("teacher").login, PASSWORD, staff=False)
    assert path_of(page).startswith(SIGN_IN)
    assert page.locator("#signin-error").is_visible()


def test_wrong_password_shows_the_one_generic_error(page: Any, world: SchoolWorld) -> None:
    sign_in(page, world.user("guardian").login, "not-the-password")
    assert path_of(page).startswith(SIGN_IN)
    error = page.locator("#signin-error")
    assert error.is_visible()
    assert page.locator("[role=alert]").count() == 1
    wrong_password = error.inner_text()
    assert_accessible(page)

    sign_in(page, "0000000", PASSWORD)  # a login that does not exist
    assert page.locator("#signin-error").inner_text() == wrong_password
    page.goto(HOME)
    assert path_of(page).startswith(SIGN_IN)  # still signed out


def test_first_sign_in_forces_a_password_change(page: Any, world: SchoolWorld) -> None:
    guardian = world.user("guardian")
    User.objects.filter(pk=guardian.pk).update(must_change_password=True)
    sign_in(page, guardian.login, PASSWORD)
    change = reverse("accounts:password_change")
    assert path_of(page) == change
    assert_accessible(page)
    page.goto(HOME)  # every page leads back to the change
    assert path_of(page) == change

    page.locator("input[name=current_password]").fill(PASSWORD)
    page.locator("input[name=new_password]").fill("Zielona-Żaba-2026")
    page.locator("input[name=new_password_again]").fill("Zielona-Żaba-2026")
    page.locator("main form:has(input[name=new_password]) [type=submit]").click()
    page.wait_for_load_state()
    assert path_of(page) == HOME
    assert world.student.user.full_name in _main(page)
    guardian.refresh_from_db()
    assert guardian.must_change_password is False
    assert guardian.check_password("Zielona-Żaba-2026")


def test_guardian_switches_between_two_children(page: Any, world: SchoolWorld) -> None:
    guardian = world.user("guardian")
    first, second = world.student, world.other_student  # classes 6b and 2a
    User.objects.filter(pk=first.user.pk).update(first_name="Antoni", last_name="Kowalski")
    User.objects.filter(pk=second.user.pk).update(first_name="Zuzanna", last_name="Kowalska")
    Guardianship.objects.create(school=world.school, guardian=guardian, student=second)
    sign_in(page, guardian.login, PASSWORD)
    switcher = page.locator(".child-switcher")
    assert switcher.locator("button").count() == 2
    assert_accessible(page)
    # The first child (by first name) is shown; the switcher marks it as the current one.
    assert "Antoni Kowalski" in _main(page)
    assert "Zuzanna Kowalska" not in _main(page)
    assert "Antoni" in switcher.locator("[aria-current=true]").inner_text()

    switcher.locator("button:not([aria-current])").click()
    page.wait_for_load_state()
    assert path_of(page) == HOME
    assert "Zuzanna Kowalska" in _main(page)
    assert "Antoni Kowalski" not in _main(page)
    current = switcher.locator("[aria-current=true]").inner_text()
    assert "Zuzanna" in current and second.school_class.name in current
    assert second.school_class.name in page.locator("main > p:has(strong)").first.inner_text()

    page.reload()  # the choice is kept for the session
    assert "Zuzanna Kowalska" in _main(page)


def test_sign_out_ends_the_session(page: Any, world: SchoolWorld) -> None:
    sign_in(page, world.user("guardian").login, PASSWORD)
    assert path_of(page) == HOME
    sign_out(page)
    assert path_of(page).startswith(SIGN_IN)
    page.goto(reverse("accounts:sessions"))
    assert path_of(page).startswith(SIGN_IN)
    assert "next=" in path_of(page)


def test_ending_another_session_signs_that_browser_out(
    new_page: Callable[..., Any], world: SchoolWorld
) -> None:
    user = world.user("teacher")
    laptop, phone = new_page(), new_page(width=360)
    sign_in(phone, user.login, PASSWORD, staff=True)
    sign_in(laptop, user.login, PASSWORD, staff=True)
    assert path_of(phone) == HOME and path_of(laptop) == HOME

    phone_device = _device_of(phone)
    laptop.goto(reverse("accounts:sessions"))
    assert_accessible(laptop)
    end_forms = laptop.locator("main form[action$='/zakoncz/']")
    assert end_forms.count() == 2  # one per browser
    end_phone = f"main form[action='{reverse('accounts:session_end', args=[phone_device.pk])}']"
    laptop.locator(f"{end_phone} [type=submit]").click()
    laptop.wait_for_load_state()
    assert path_of(laptop) == reverse("accounts:sessions")
    assert laptop.locator("main form[action$='/zakoncz/']").count() == 1
    phone_device.refresh_from_db()
    assert phone_device.ended_at is not None

    phone.goto(HOME)
    assert path_of(phone).startswith(SIGN_IN)
    laptop.goto(HOME)
    assert path_of(laptop) == HOME  # this one is still signed in


def _device_of(page: Any) -> UserSession:
    """The server's record of the browser session ``page`` is signed in with."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    device: UserSession = UserSession.objects.get(key=cookie["value"])
    return device


# --- the layout at 360 px and the accessibility smoke test -------------------------------------


@pytest.mark.parametrize("role", ["guardian", "teacher"])
def test_home_page_has_no_horizontal_scroll_at_360px(
    new_page: Callable[..., Any], world: SchoolWorld, role: str
) -> None:
    Guardianship.objects.create(
        school=world.school, guardian=world.user("guardian"), student=world.other_student
    )
    page = new_page(width=360)
    user = world.user(role)
    sign_in(page, user.login, PASSWORD, staff=user.kind == User.Kind.STAFF)
    assert path_of(page) == HOME
    assert scroll_width(page) <= 360


def test_sign_in_pages_have_no_horizontal_scroll_at_360px(new_page: Callable[..., Any]) -> None:
    page = new_page(width=360)
    for url in (SIGN_IN, f"{SIGN_IN}?jako=rodzina", f"{SIGN_IN}?jako=pracownik"):
        page.goto(url)
        assert scroll_width(page) <= 360, url


def _html_pages_for(user: User) -> list[str]:
    """Every URL without arguments that answers ``user`` with an HTML page (status 200)."""
    client = Client()
    client.force_login(user, backend="kajet.accounts.backends.LoginBackend")
    found = []
    for route in plain_routes():
        if route.is_api:
            continue
        url = route.build({})
        response = client.get(url)
        close_response(response)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found.append(url)
    return found


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "secretariat"])
def test_every_page_passes_the_accessibility_smoke_test(
    page: Any, world: SchoolWorld, role: str
) -> None:
    user = world.user(role)
    urls = _html_pages_for(user)
    assert reverse("dashboard:home") in urls
    # Anything the Content-Security-Policy blocks (an inline script or handler, an injected
    # style element) is reported on the console: it counts as a problem of the page.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{path_of(page)}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    sign_in(page, user.login, PASSWORD, staff=user.kind == User.Kind.STAFF)
    problems = []
    for url in urls:
        page.goto(url)
        problems += [f"{url}: {p}" for p in accessibility_problems(page)]
    assert not problems + blocked, f"as {role}:\n" + "\n".join(problems + blocked)


def test_signed_out_pages_pass_the_accessibility_smoke_test(page: Any, db: Any) -> None:
    problems = []
    for url in (SIGN_IN, f"{SIGN_IN}?jako=rodzina", f"{SIGN_IN}?jako=pracownik", "/nie-ma/"):
        page.goto(url)
        problems += [f"{url}: {p}" for p in accessibility_problems(page)]
    assert not problems, "\n".join(problems)


def test_the_smoke_test_finds_problems(page: Any, db: Any) -> None:
    page.set_content(
        "<html><body><h1>a</h1><h1>b</h1><input name=q><p id=x></p><p id=x></p></body></html>"
    )
    problems = " | ".join(accessibility_problems(page))
    for expected in ("lang", "2 h1", "skip link", "unlabelled input", 'id "x"'):
        assert expected in problems
