"""The home page's rendered panels ({% cache %} in dashboard/home.html, docs/adr/0014): a warm
page is the page built afresh, in the viewer's language, for the chosen child, with the
viewer's own flags; and rendering them is what a warm visit no longer does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.template import base
from django.test import Client
from django.urls import reverse

from kajet.dashboard.tests.conftest import Day
from kajet.homework.models import Homework, HomeworkDone
from kajet.school.models import GroupMembership, Guardianship
from kajet.testutils.factories import StudentFactory

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")
ROLES = ["guardian", "student", "teacher", "homeroom_teacher", "principal", "secretariat"]


def _page(client: Client) -> str:
    # CSRF tokens are masked afresh on every response.
    return re.sub(r"[A-Za-z0-9]{64}", "<token>", client.get(HOME).content.decode())


@pytest.mark.parametrize("role", ROLES)
def test_a_warm_page_is_the_page_built_afresh(
    world: Any, client_for: Any, day: Day, role: str
) -> None:
    """The plain version: with the cache emptied before the request every panel is read and
    rendered afresh; from the cache the page must be the same, byte for byte."""
    client = client_for(world.user(role))
    client.get(HOME)  # the session's first visit keeps the previous sign-in
    cache.clear()
    plain = _page(client)
    warm = _page(client)
    assert _page(client) == warm == plain


def _render_counts(client: Client, monkeypatch: Any) -> int:
    """How many template nodes one request renders (Django's ``Node.render_annotated``)."""
    count = 0
    original = base.Node.render_annotated

    def counting(self: Any, context: Any) -> Any:
        nonlocal count
        count += 1
        return original(self, context)

    monkeypatch.setattr(base.Node, "render_annotated", counting)
    try:
        client.get(HOME)
    finally:
        monkeypatch.setattr(base.Node, "render_annotated", original)
    return count


@pytest.mark.parametrize("role", ["guardian", "student", "teacher"])
def test_a_warm_visit_renders_far_fewer_template_nodes(
    world: Any, client_for: Any, day: Day, role: str, monkeypatch: Any
) -> None:
    """What a warm visit saves: the shared panels and the navigation come rendered from the
    cache, so far fewer template nodes run than when everything is rendered afresh."""
    client = client_for(world.user(role))
    client.get(HOME)
    cache.clear()
    cold = _render_counts(client, monkeypatch)
    warm = _render_counts(client, monkeypatch)
    assert warm < cold * 0.6, (warm, cold)


PANEL_TEXTS_EN = ["Tomorrow", "Coming up in 7 days", "All homework", "All announcements"]


def test_the_language_switch_shows_the_panels_in_that_language(
    world: Any, client_for: Any, day: Day, settings: Any
) -> None:
    client = client_for(world.user("guardian"))
    english = _page(client)
    assert "Coming up in 7 days" in english and "No tests or events." not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    polish = _page(client)
    assert "W ciągu najbliższych 7 dni" in polish
    # Each cached panel's English text (lessons, calendar, homework, announcements).
    for text in PANEL_TEXTS_EN:
        assert text in english
        assert text not in polish
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _page(client) == english


def test_a_guardian_of_two_children_sees_each_childs_panels(
    world: Any, client_for: Any, day: Day
) -> None:
    """Both children's panels are in the cache; switching shows the chosen child's."""
    second = StudentFactory(school_class=world.other_class, class_number=7)
    guardian = world.user("guardian")
    Guardianship.objects.create(school=world.school, guardian=guardian, student=second)
    client = client_for(guardian)

    def visit(student: Any) -> str:
        client.post(reverse("dashboard:switch_child", args=[student.pk]))
        client.get(HOME)  # fills the cache
        return _page(client)

    first_page, second_page = visit(world.student), visit(second)
    assert "Sprawdzian 0" in first_page and "Matematyka" in first_page
    assert "Sprawdzian 0" not in second_page and "Matematyka" not in second_page
    assert "No lessons." in second_page
    assert visit(world.student) == first_page
    assert visit(second) == second_page


#: The homework panel's "done" mark (the lucky-number note is a badge-ok too, on the days the
#: student's class-list number is drawn, so the bare class would count it).
DONE_BADGE = '<span class="badge badge-ok">done</span>'


def test_two_students_of_a_class_see_their_own_homework_done(
    world: Any, client_for: Any, day: Day
) -> None:
    """The homework panel is shared by the class and keyed by the viewer's done flags: one
    student's "done" never shows on a classmate's page."""
    classmate = StudentFactory(school_class=world.school_class, class_number=9)
    GroupMembership.objects.create(school=world.school, group=world.group, student=classmate)
    mine = client_for(world.user("student"))
    theirs = client_for(classmate.user)
    done = HomeworkDone.objects.filter(student=world.student).count()
    assert done > 0
    for _ in range(2):  # cold, then warm
        assert mine.get(HOME).content.decode().count(DONE_BADGE) == done
        assert theirs.get(HOME).content.decode().count(DONE_BADGE) == 0
    homework = Homework.objects.filter(school=world.school).order_by("pk").first()
    assert homework is not None
    HomeworkDone.objects.create(school=world.school, homework=homework, student=classmate)
    assert theirs.get(HOME).content.decode().count(DONE_BADGE) == 1
    assert mine.get(HOME).content.decode().count(DONE_BADGE) == done
