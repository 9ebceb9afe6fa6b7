"""The school office's student pages: list, detail, add, edit, guardians, move, end."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import User
from kajet.core.models import HistoryEntry
from kajet.school.models import Guardianship, Student
from kajet.school.slips import SESSION_KEY
from kajet.school.tests.conftest import OFFICE, OUTSIDERS, fill_class

pytestmark = pytest.mark.django_db


def student_urls(world: Any) -> list[str]:
    pk = world.student.pk
    return [
        reverse("school:student_detail", args=[pk]),
        reverse("school:student_edit", args=[pk]),
        reverse("school:guardian_add", args=[pk]),
        reverse("school:student_move", args=[pk]),
        reverse("school:student_end", args=[pk]),
    ]


@pytest.mark.parametrize("role", OFFICE)
def test_office_roles_open_every_student_page(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    for url in [
        reverse("school:hub"),
        reverse("school:student_list"),
        reverse("school:student_add"),
    ] + student_urls(world):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", OUTSIDERS)
def test_other_roles_get_404(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    for url in [reverse("school:student_list"), reverse("school:student_add")] + student_urls(
        world
    ):
        assert client.get(url).status_code == 404, url
    post_urls = [
        reverse("school:student_password_reset", args=[world.student.pk]),
        reverse("school:guardian_password_reset", args=[world.user("guardian").pk]),
        reverse("school:class_reset", args=[world.school_class.pk]),
    ]
    for url in post_urls:
        assert client.post(url, {"confirm": "on"}).status_code == 404, url


def test_hub_is_404_for_family_and_teachers(world: Any, client_for: Any) -> None:
    for role in ("teacher", "guardian", "student", "pedagogue"):
        assert client_for(world.user(role)).get(reverse("school:hub")).status_code == 404


def test_principal_sees_hub_with_staff_only(world: Any, client_for: Any) -> None:
    response = client_for(world.user("principal")).get(reverse("school:hub"))
    assert response.status_code == 200
    assert reverse("school:staff_list").encode() in response.content
    assert reverse("school:student_list").encode() not in response.content


@pytest.mark.parametrize("role", OFFICE)
def test_other_school_gets_404(world: Any, other_world: Any, client_for: Any, role: str) -> None:
    client = client_for(other_world.user(role))
    for url in student_urls(world):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("school:student_password_reset", args=[world.student.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("school:guardian_password_reset", args=[world.user("guardian").pk])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("school:class_reset", args=[world.school_class.pk])).status_code == 404
    )
    # School A's students do not leak into B's list either.
    response = client.get(reverse("school:student_list"), {"q": world.student.user.last_name})
    assert world.student.user.login.encode() not in response.content


def test_nav_item_for_office_not_for_teacher(world: Any, client_for: Any) -> None:
    hub = reverse("school:hub")
    assert (
        f'href="{hub}"'.encode()
        in client_for(world.user("secretariat")).get(reverse("dashboard:home")).content
    )
    assert (
        f'href="{hub}"'.encode()
        not in client_for(world.user("teacher")).get(reverse("dashboard:home")).content
    )


def test_list_query_count_is_constant(
    world: Any, office: Client, django_assert_max_num_queries: Any
) -> None:
    fill_class(world.school_class, 10)
    office.get(reverse("school:student_list"))  # warm up session/ContentType caches
    with django_assert_max_num_queries(12) as small:
        assert office.get(reverse("school:student_list")).status_code == 200
    fill_class(world.other_class, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = office.get(reverse("school:student_list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 52


def test_list_filters_by_class_and_searches_name_and_login(world: Any, office: Client) -> None:
    fill_class(world.other_class, 3)
    url = reverse("school:student_list")
    response = office.get(url, {"klasa": world.school_class.pk})
    assert [s.pk for s in response.context["page"]] == [world.student.pk]
    response = office.get(url, {"q": world.student.user.last_name.lower()})
    assert world.student in list(response.context["page"])
    response = office.get(url, {"q": world.student.login_number})  # the family digits
    assert [s.pk for s in response.context["page"]] == [world.student.pk]
    response = office.get(url, {"q": "nobody-like-this"})
    assert list(response.context["page"]) == []


def test_list_paginates(world: Any, office: Client) -> None:
    fill_class(world.other_class, 55)
    url = reverse("school:student_list")
    first = office.get(url)
    assert len(first.context["page"]) == 50
    second = office.get(url, {"strona": 2})
    assert len(second.context["page"]) == 7
    assert b"strona=1" in second.content


def test_former_students_hidden_unless_asked(world: Any, office: Client) -> None:
    Student.objects.filter(pk=world.other_student.pk).update(left_on=datetime.date(2026, 10, 1))
    url = reverse("school:student_list")
    assert world.other_student not in list(office.get(url).context["page"])
    assert world.other_student in list(office.get(url, {"byli": "on"}).context["page"])


def test_detail_shows_guardians_and_history(
    world: Any, office: Client, django_assert_max_num_queries: Any
) -> None:
    url = reverse("school:student_detail", args=[world.student.pk])
    office.post(
        reverse("school:student_move", args=[world.student.pk]),
        {"school_class": world.other_class.pk},
    )
    with django_assert_max_num_queries(14):
        response = office.get(url)
    assert world.user("guardian").login.encode() in response.content
    assert [row["entry"].code for row in response.context["history"]] == ["school.student.moved"]


def add_payload(world: Any, **extra: str) -> dict[str, Any]:
    data = {
        "first_name": "Hortensja",
        "last_name": "Wójcik",
        "school_class": str(world.school_class.pk),
        "birth_date": "2015-04-01",
        "g1-mode": "new",
        "g1-first_name": "Małgorzata",
        "g1-last_name": "Wójcik",
        "g1-email": "m@example.pl",
        "g2-mode": "none",
    }
    data.update(extra)
    return data


def test_add_student_with_two_new_guardians_shows_logins_once(world: Any, office: Client) -> None:
    response = office.post(
        reverse("school:student_add"),
        add_payload(
            world, **{"g2-mode": "new", "g2-first_name": "Jędrzej", "g2-last_name": "Wójcik"}
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("school:issued")
    student = Student.objects.get(user__first_name="Hortensja", user__last_name="Wójcik")
    assert student.school_class == world.school_class
    assert student.class_number == 2  # after world.student (number 1)
    assert student.user.login == student.login_number + "u"
    guardians = sorted(g.guardian.login for g in Guardianship.objects.filter(student=student))
    assert student.login_number in guardians and len(guardians) == 2
    issued = office.get(reverse("school:issued"))
    slips = issued.context["slips"]
    assert len(slips) == 1 and len(slips[0].people) == 3
    password = slips[0].people[0].password
    assert password.encode() in issued.content
    # The password is a hash in the database and only ciphertext in the session.
    assert password not in User.objects.get(pk=student.user.pk).password
    assert password not in str(office.session[SESSION_KEY])
    slip_page = office.get(reverse("school:slips_print"))
    assert password.encode() in slip_page.content
    assert world.school.name.encode() in slip_page.content
    # Leaving the slip page forgets them.
    assert office.post(reverse("school:slips_forget"), {"beacon": "1"}).status_code == 204
    assert office.get(reverse("school:issued")).context["slips"] == []
    assert password.encode() not in office.get(reverse("school:slips_print")).content


def test_add_student_linking_an_existing_guardian(world: Any, office: Client) -> None:
    existing = world.user("guardian")
    response = office.post(
        reverse("school:student_add"),
        add_payload(
            world, **{"g1-mode": "existing", "g1-login": existing.login, "g1-first_name": ""}
        ),
    )
    assert response.status_code == 302
    student = Student.objects.get(user__first_name="Hortensja")
    assert list(
        Guardianship.objects.filter(student=student).values_list("guardian", flat=True)
    ) == [existing.pk]
    # Sibling: the guardian now has two children; no new guardian login was created.
    assert Guardianship.objects.filter(guardian=existing).count() == 2
    slips = office.get(reverse("school:issued")).context["slips"]
    assert [p.role for p in slips[0].people] == ["student"]


def test_add_student_refuses_guardian_of_other_school(
    world: Any, other_world: Any, office: Client
) -> None:
    response = office.post(
        reverse("school:student_add"),
        add_payload(
            world, **{"g1-mode": "existing", "g1-login": other_world.user("guardian").login}
        ),
    )
    assert response.status_code == 200
    assert response.context["guardian_forms"][0].errors["login"]
    assert not Student.objects.filter(user__first_name="Hortensja").exists()


@pytest.mark.parametrize(
    ("change", "form_index", "field"),
    [
        ({"first_name": ""}, None, "first_name"),
        ({"school_class": "999999"}, None, "school_class"),
        ({"birth_date": "2099-01-01"}, None, "birth_date"),
        ({"g1-last_name": ""}, 0, "last_name"),
        ({"g1-email": "nie-mail"}, 0, "email"),
        ({"g2-mode": "new", "g2-first_name": "Jan"}, 1, "last_name"),
    ],
)
def test_add_student_errors_shown_at_fields(
    world: Any, office: Client, change: dict[str, str], form_index: int | None, field: str
) -> None:
    response = office.post(reverse("school:student_add"), add_payload(world, **change))
    assert response.status_code == 200
    form = (
        response.context["form"]
        if form_index is None
        else response.context["guardian_forms"][form_index]
    )
    assert field in form.errors
    assert not Student.objects.filter(user__first_name="Hortensja").exists()


def test_add_student_cannot_use_class_of_other_school(
    world: Any, other_world: Any, office: Client
) -> None:
    response = office.post(
        reverse("school:student_add"),
        add_payload(world, school_class=str(other_world.school_class.pk)),
    )
    assert "school_class" in response.context["form"].errors


def test_edit_student(world: Any, office: Client) -> None:
    url = reverse("school:student_edit", args=[world.student.pk])
    response = office.post(
        url,
        {
            "first_name": "Zuzanna",
            "last_name": "Kowalska",
            "birth_date": "2014-05-05",
            "class_number": "7",
        },
    )
    assert response.status_code == 302
    world.student.refresh_from_db()
    world.student.user.refresh_from_db()
    assert world.student.user.first_name == "Zuzanna"
    assert world.student.class_number == 7
    assert HistoryEntry.objects.filter(
        code="school.student.changed", object_id=world.student.pk
    ).exists()


def test_edit_refuses_taken_class_number(world: Any, office: Client) -> None:
    fill_class(world.school_class, 1, start=5)
    url = reverse("school:student_edit", args=[world.student.pk])
    response = office.post(url, {"first_name": "Z", "last_name": "K", "class_number": "5"})
    assert "class_number" in response.context["form"].errors


def test_add_guardian_new_and_existing(world: Any, office: Client) -> None:
    url = reverse("school:guardian_add", args=[world.student.pk])
    response = office.post(url, {"g-mode": "new", "g-first_name": "Jan", "g-last_name": "Nowak"})
    assert response.status_code == 302 and response["Location"] == reverse("school:issued")
    assert Guardianship.objects.filter(student=world.student).count() == 2
    new_guardian = (
        Guardianship.objects.filter(student=world.student)
        .exclude(guardian=world.user("guardian"))
        .get()
        .guardian
    )
    assert new_guardian.login.isdigit() and new_guardian.login != world.student.login_number
    # Linking a guardian already linked is refused at the field.
    response = office.post(url, {"g-mode": "existing", "g-login": world.user("guardian").login})
    assert response.status_code == 200 and "login" in response.context["form"].errors
    # Another child's guardian of the same school can be linked.
    other_guardian = Guardianship.objects.create(
        school=world.school,
        student=world.other_student,
        guardian=User.objects.create(
            school=world.school, kind="guardian", login="7999999", first_name="A", last_name="B"
        ),
    ).guardian
    response = office.post(url, {"g-mode": "existing", "g-login": other_guardian.login})
    assert response.status_code == 302 and response["Location"] == reverse(
        "school:student_detail", args=[world.student.pk]
    )


def test_move_student(world: Any, office: Client) -> None:
    url = reverse("school:student_move", args=[world.student.pk])
    assert office.post(url, {"school_class": world.other_class.pk}).status_code == 302
    world.student.refresh_from_db()
    assert world.student.school_class == world.other_class
    assert world.student.class_number == 2


def test_move_refuses_class_of_other_school(world: Any, other_world: Any, office: Client) -> None:
    url = reverse("school:student_move", args=[world.student.pk])
    response = office.post(url, {"school_class": other_world.school_class.pk})
    assert "school_class" in response.context["form"].errors


def test_end_enrolment_keeps_data_and_turns_login_off(world: Any, office: Client) -> None:
    url = reverse("school:student_end", args=[world.student.pk])
    response = office.post(url, {"left_on": "2026-12-31"})
    assert response.status_code == 302
    world.student.refresh_from_db()
    assert world.student.left_on == datetime.date(2026, 12, 31)
    assert not User.objects.get(pk=world.student.user_id).is_active
    assert not User.objects.get(pk=world.user("guardian").pk).is_active
    detail = office.get(reverse("school:student_detail", args=[world.student.pk]))
    assert detail.status_code == 200
    assert office.get(url).status_code == 404  # already ended


def test_end_enrolment_before_start_is_a_field_error(world: Any, office: Client) -> None:
    response = office.post(
        reverse("school:student_end", args=[world.student.pk]), {"left_on": "2020-01-01"}
    )
    assert "left_on" in response.context["form"].errors
    world.student.refresh_from_db()
    assert world.student.left_on is None
