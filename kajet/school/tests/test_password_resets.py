"""Password resets by the office (one login, a whole class) and by a guardian for a child."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import User
from kajet.core.models import HistoryEntry
from kajet.school.models import Guardianship
from kajet.school.tests.conftest import OFFICE, fill_class
from kajet.testutils.factories import PASSWORD, StudentFactory

pytestmark = pytest.mark.django_db


def password_works(user: User, raw: str) -> bool:
    return User.objects.get(pk=user.pk).check_password(raw)


@pytest.mark.parametrize("role", OFFICE)
def test_office_resets_a_student_password(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    response = client.post(reverse("school:student_password_reset", args=[world.student.pk]))
    assert response.status_code == 302
    (slip,) = client.get(reverse("school:issued")).context["slips"]
    raw = slip.people[0].password
    student_user = User.objects.get(pk=world.student.user_id)
    assert student_user.must_change_password
    assert password_works(student_user, raw)
    assert not password_works(student_user, PASSWORD)
    assert raw not in student_user.password
    entry = HistoryEntry.objects.get(code="school.login.password_reset", object_id=student_user.pk)
    assert raw not in str(entry.new)


def test_office_resets_a_guardian_password(world: Any, office: Client) -> None:
    guardian = world.user("guardian")
    assert (
        office.post(reverse("school:guardian_password_reset", args=[guardian.pk])).status_code
        == 302
    )
    (slip,) = office.get(reverse("school:issued")).context["slips"]
    assert slip.people[0].role == "guardian"
    assert password_works(guardian, slip.people[0].password)


def test_get_does_not_reset(world: Any, office: Client) -> None:
    assert (
        office.get(reverse("school:student_password_reset", args=[world.student.pk])).status_code
        == 405
    )
    assert password_works(world.student.user, PASSWORD)


def test_guardian_password_reset_refuses_staff_ids(world: Any, office: Client) -> None:
    url = reverse("school:guardian_password_reset", args=[world.user("teacher").pk])
    assert office.post(url).status_code == 404


def test_class_reset_needs_confirmation(world: Any, office: Client) -> None:
    url = reverse("school:class_reset", args=[world.school_class.pk])
    assert office.get(url).status_code == 200
    response = office.post(url, {"include_guardians": "on"})
    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert password_works(world.student.user, PASSWORD)


def test_class_reset_issues_one_slip_per_family(
    world: Any, office: Client, django_assert_max_num_queries: Any
) -> None:
    fill_class(world.school_class, 5)
    # A guardian with two children in the class is reset once, on both slips.
    sibling = StudentFactory(school_class=world.school_class, class_number=30)
    Guardianship.objects.create(
        school=world.school, guardian=world.user("guardian"), student=sibling
    )
    url = reverse("school:class_reset", args=[world.school_class.pk])
    response = office.post(url, {"include_guardians": "on", "confirm": "on"})
    assert response.status_code == 302
    slips = office.get(reverse("school:issued")).context["slips"]
    assert len(slips) == 7
    by_login = {}
    for slip in slips:
        for person in slip.people:
            by_login.setdefault(person.login, set()).add(person.password)
    assert all(len(passwords) == 1 for passwords in by_login.values())
    guardian = world.user("guardian")
    (raw,) = by_login[guardian.login]
    assert password_works(guardian, raw)
    # Other classes are untouched.
    assert password_works(world.other_student.user, PASSWORD)


def test_class_reset_students_only(world: Any, office: Client) -> None:
    url = reverse("school:class_reset", args=[world.school_class.pk])
    office.post(url, {"confirm": "on"})
    (slip,) = office.get(reverse("school:issued")).context["slips"]
    assert [p.role for p in slip.people] == ["student"]
    assert password_works(world.user("guardian"), PASSWORD)


# --- a guardian resets their own child's password ----------------------------------------------


def test_guardian_resets_own_child(world: Any, client_for: Any) -> None:
    client = client_for(world.user("guardian"))
    assert client.get(reverse("school:children")).status_code == 200
    url = reverse("school:child_password_reset", args=[world.student.pk])
    assert client.get(url).status_code == 200
    assert password_works(world.student.user, PASSWORD)  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 200
    raw = response.context["issued"].password
    assert raw.encode() in response.content
    assert password_works(world.student.user, raw)
    assert User.objects.get(pk=world.student.user_id).must_change_password
    assert "no-store" in response["Cache-Control"]


def test_guardian_cannot_reset_another_child(world: Any, client_for: Any) -> None:
    client = client_for(world.user("guardian"))
    url = reverse("school:child_password_reset", args=[world.other_student.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert password_works(world.other_student.user, PASSWORD)


def test_guardian_of_other_school_gets_404(world: Any, other_world: Any, client_for: Any) -> None:
    client = client_for(other_world.user("guardian"))
    url = reverse("school:child_password_reset", args=[world.student.pk])
    assert client.post(url).status_code == 404
    assert password_works(world.student.user, PASSWORD)


@pytest.mark.parametrize("role", ["student", "teacher", "homeroom_teacher", "secretariat"])
def test_only_guardians_use_the_child_page(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    assert client.get(reverse("school:children")).status_code == 404
    assert (
        client.post(reverse("school:child_password_reset", args=[world.student.pk])).status_code
        == 404
    )
