"""Staff pages: list with roles, add with an initial password, edit roles, turn off."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import StaffRole, User
from kajet.testutils.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["secretariat", "school_admin", "principal"])
def test_staff_list_for_staff_viewers(world: Any, client_for: Any, role: str) -> None:
    response = client_for(world.user(role)).get(reverse("school:staff_list"))
    assert response.status_code == 200
    assert world.user("teacher").login.encode() in response.content
    assert world.user("guardian").login.encode() not in response.content


def test_principal_may_view_but_not_manage(world: Any, client_for: Any) -> None:
    client = client_for(world.user("principal"))
    assert (
        reverse("school:staff_add").encode() not in client.get(reverse("school:staff_list")).content
    )
    assert client.get(reverse("school:staff_add")).status_code == 404
    assert (
        client.get(reverse("school:staff_edit", args=[world.user("teacher").pk])).status_code == 404
    )


@pytest.mark.parametrize(
    "role", ["teacher", "homeroom_teacher", "guardian", "student", "pedagogue"]
)
def test_other_roles_get_404(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    teacher = world.user("teacher").pk
    assert client.get(reverse("school:staff_list")).status_code == 404
    assert client.get(reverse("school:staff_add")).status_code == 404
    assert client.get(reverse("school:staff_edit", args=[teacher])).status_code == 404
    assert (
        client.post(reverse("school:staff_set_active", args=[teacher]), {"active": "0"}).status_code
        == 404
    )
    assert client.post(reverse("school:staff_password_reset", args=[teacher])).status_code == 404


def test_other_school_gets_404(world: Any, other_world: Any, client_for: Any) -> None:
    client = client_for(other_world.user("secretariat"))
    teacher = world.user("teacher")
    assert client.get(reverse("school:staff_edit", args=[teacher.pk])).status_code == 404
    assert (
        client.post(
            reverse("school:staff_set_active", args=[teacher.pk]), {"active": "0"}
        ).status_code
        == 404
    )
    assert client.post(reverse("school:staff_password_reset", args=[teacher.pk])).status_code == 404
    assert User.objects.get(pk=teacher.pk).is_active
    assert teacher.login.encode() not in client.get(reverse("school:staff_list")).content


def test_staff_list_query_count_is_constant(
    world: Any, office: Client, django_assert_max_num_queries: Any
) -> None:
    office.get(reverse("school:staff_list"))
    with django_assert_max_num_queries(12) as small:
        office.get(reverse("school:staff_list"))
    for i in range(20):
        UserFactory(school=world.school, login=f"extra{i}", roles=["teacher", "pedagogue"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert office.get(reverse("school:staff_list")).status_code == 200


def test_add_staff_member_shows_initial_password(world: Any, office: Client) -> None:
    response = office.post(
        reverse("school:staff_add"),
        {
            "login": "J.Kowalska",
            "first_name": "Joanna",
            "last_name": "Kowalska",
            "email": "",
            "roles": ["teacher", "principal"],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(login="j.kowalska")
    assert user.school == world.school and user.kind == "staff" and user.must_change_password
    assert set(StaffRole.objects.filter(user=user).values_list("role", flat=True)) == {
        "teacher",
        "principal",
    }
    (slip,) = office.get(reverse("school:issued")).context["slips"]
    assert slip.people[0].role == "staff"
    assert user.check_password(slip.people[0].password)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"login": "a.secretariat"}, "login"),  # taken in this school
        ({"login": "b.secretariat"}, "login"),  # taken in another school (logins are global)
        ({"login": "1234567"}, "login"),  # digits are family logins
        ({"login": "x"}, "login"),
        ({"roles": []}, "roles"),
        ({"roles": ["guardian"]}, "roles"),
        ({"first_name": ""}, "first_name"),
        ({"email": "nie"}, "email"),
    ],
)
def test_add_staff_errors_at_fields(
    world: Any, other_world: Any, office: Client, data: dict[str, Any], field: str
) -> None:
    payload = {
        "login": "nowy.login",
        "first_name": "A",
        "last_name": "B",
        "email": "",
        "roles": ["teacher"],
        **data,
    }
    before = User.objects.count()
    response = office.post(reverse("school:staff_add"), payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == before


def test_edit_roles(world: Any, office: Client) -> None:
    teacher = world.user("teacher")
    url = reverse("school:staff_edit", args=[teacher.pk])
    assert office.get(url).status_code == 200
    response = office.post(
        url,
        {
            "first_name": "Anna",
            "last_name": "Nowak",
            "email": "a@example.pl",
            "roles": ["teacher", "pedagogue"],
        },
    )
    assert response.status_code == 302
    assert set(StaffRole.objects.filter(user=teacher).values_list("role", flat=True)) == {
        "teacher",
        "pedagogue",
    }
    assert User.objects.get(pk=teacher.pk).first_name == "Anna"


def test_cannot_remove_own_management_role(world: Any, office: Client) -> None:
    me = world.user("secretariat")
    response = office.post(
        reverse("school:staff_edit", args=[me.pk]),
        {"first_name": "A", "last_name": "B", "roles": ["teacher"]},
    )
    assert response.status_code == 200 and "roles" in response.context["form"].errors
    assert "secretariat" in set(StaffRole.objects.filter(user=me).values_list("role", flat=True))


def test_deactivate_and_reactivate(world: Any, office: Client, client_for: Any) -> None:
    teacher = world.user("teacher")
    teacher_client = client_for(teacher)
    url = reverse("school:staff_set_active", args=[teacher.pk])
    assert office.post(url, {"active": "0"}).status_code == 302
    assert not User.objects.get(pk=teacher.pk).is_active
    assert teacher_client.get(reverse("dashboard:home")).status_code == 302  # signed out
    assert office.post(url, {"active": "1"}).status_code == 302
    assert User.objects.get(pk=teacher.pk).is_active


def test_cannot_deactivate_self(world: Any, office: Client) -> None:
    me = world.user("secretariat")
    office.post(reverse("school:staff_set_active", args=[me.pk]), {"active": "0"})
    assert User.objects.get(pk=me.pk).is_active


def test_staff_password_reset(world: Any, office: Client) -> None:
    teacher = world.user("teacher")
    assert office.post(reverse("school:staff_password_reset", args=[teacher.pk])).status_code == 302
    (slip,) = office.get(reverse("school:issued")).context["slips"]
    assert User.objects.get(pk=teacher.pk).check_password(slip.people[0].password)
