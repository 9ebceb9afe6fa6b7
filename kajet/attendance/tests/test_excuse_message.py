"""The excuse Kajet sends to the homeroom teacher links to the excuse's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kajet.attendance import services
from kajet.attendance.tests.helpers import absent, recent_weekday
from kajet.school.models import Student

pytestmark = pytest.mark.django_db


def test_the_excuse_message_links_to_the_excuse(
    world: Any, other_world: Any, client_for: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    mark = absent(world.course, world.student, recent_weekday())
    student = Student.objects.select_related("user", "school_class__homeroom_teacher").get(
        pk=world.student.pk
    )
    excuse = services.excuse_submit(
        actor=world.user("guardian"), student=student, mark_ids=[mark.pk], reason="Choroba"
    )
    assert excuse.message is not None
    url = reverse("attendance:excuse", args=[excuse.pk])
    message_url = reverse("messaging:message", args=[excuse.message.pk])
    homeroom = client_for(world.user("homeroom_teacher"))
    page = homeroom.get(message_url).content.decode()
    assert f'<a href="{url}">{url}</a>' in page
    assert homeroom.get(url).status_code == 200  # the link leads to the decision
    # The sender's copy links too; nobody else reaches the message.
    assert (
        f'<a href="{url}">' in client_for(world.user("guardian")).get(message_url).content.decode()
    )
    assert client_for(world.user("teacher")).get(message_url).status_code == 404
    assert client_for(other_world.user("homeroom_teacher")).get(message_url).status_code == 404
