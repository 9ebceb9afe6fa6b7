"""The administrator's structure pages and the school settings."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kajet.core.models import HistoryEntry, School
from kajet.school.models import (
    ClassGroup,
    Course,
    GroupMembership,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
    Subject,
    Term,
)
from kajet.school.tests.conftest import fill_class

pytestmark = pytest.mark.django_db

KINDS = ["lata", "okresy", "dzwonki", "klasy", "grupy", "przedmioty", "przydzialy"]


def objects_of(world: Any) -> dict[str, int]:
    return {
        "lata": world.year.pk,
        "okresy": world.term.pk,
        "dzwonki": LessonPeriod.objects.filter(school=world.school).first().pk,
        "klasy": world.school_class.pk,
        "grupy": world.group.pk,
        "przedmioty": world.subject.pk,
        "przydzialy": world.course.pk,
    }


@pytest.fixture
def admin(world: Any, client_for: Any) -> Client:
    client: Client = client_for(world.user("school_admin"))
    return client


def test_admin_opens_every_structure_page(world: Any, admin: Client) -> None:
    for kind, pk in objects_of(world).items():
        assert admin.get(reverse("school:structure_list", args=[kind])).status_code == 200, kind
        assert admin.get(reverse("school:structure_add", args=[kind])).status_code == 200, kind
        assert admin.get(reverse("school:structure_edit", args=[kind, pk])).status_code == 200, kind
    assert admin.get(reverse("school:settings")).status_code == 200
    assert admin.get(reverse("school:structure_list", args=["nieznane"])).status_code == 404


@pytest.mark.parametrize(
    "role", ["teacher", "homeroom_teacher", "guardian", "student", "principal", "pedagogue"]
)
def test_other_roles_get_404(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    for kind, pk in objects_of(world).items():
        assert client.get(reverse("school:structure_list", args=[kind])).status_code == 404
        assert client.get(reverse("school:structure_edit", args=[kind, pk])).status_code == 404
        assert client.post(reverse("school:structure_edit", args=[kind, pk]), {}).status_code == 404
    assert client.get(reverse("school:settings")).status_code == 404


def test_secretariat_manages_courses_only(world: Any, office: Client) -> None:
    assert office.get(reverse("school:structure_list", args=["przydzialy"])).status_code == 200
    assert office.get(reverse("school:structure_list", args=["klasy"])).status_code == 404
    assert office.get(reverse("school:settings")).status_code == 404


def test_other_school_admin_gets_404(world: Any, other_world: Any, client_for: Any) -> None:
    client = client_for(other_world.user("school_admin"))
    for kind, pk in objects_of(world).items():
        assert client.get(reverse("school:structure_edit", args=[kind, pk])).status_code == 404, (
            kind
        )
        assert (
            client.post(
                reverse("school:structure_edit", args=[kind, pk]), {"name": "x"}
            ).status_code
            == 404
        )
    listing = client.get(reverse("school:structure_list", args=["przedmioty"])).content
    assert (
        reverse("school:structure_edit", args=["przedmioty", world.subject.pk]).encode()
        not in listing
    )


def test_class_list_query_count_is_constant(
    world: Any, admin: Client, django_assert_max_num_queries: Any
) -> None:
    url = reverse("school:structure_list", args=["klasy"])
    admin.get(url)
    with django_assert_max_num_queries(12) as small:
        admin.get(url)
    for i in range(15):
        SchoolClass.objects.create(
            school=world.school, year=world.year, name=f"{i % 8 + 1}x{i}", level=i % 8 + 1
        )
    fill_class(world.other_class, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin.get(url)


def test_create_year_and_mark_it_current(world: Any, admin: Client) -> None:
    response = admin.post(
        reverse("school:structure_add", args=["lata"]),
        {
            "name": "2027/2028",
            "starts_on": "2027-09-01",
            "ends_on": "2028-06-23",
            "is_current": "on",
        },
    )
    assert response.status_code == 302
    assert SchoolYear.objects.get(school=world.school, is_current=True).name == "2027/2028"
    assert HistoryEntry.objects.filter(code="school.year.created").exists()


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        (
            "lata",
            {"name": "2026/2027", "starts_on": "2026-09-01", "ends_on": "2027-06-25"},
            "name",
        ),
        ("lata", {"name": "X", "starts_on": "2027-09-01", "ends_on": "2027-01-01"}, "ends_on"),
        (
            "okresy",
            {"year": "YEAR", "number": "1", "starts_on": "2026-09-01", "ends_on": "2027-01-31"},
            "number",
        ),
        (
            "okresy",
            {"year": "YEAR", "number": "2", "starts_on": "2025-09-01", "ends_on": "2027-01-31"},
            "starts_on",
        ),
        ("dzwonki", {"number": "1", "starts_at": "08:00", "ends_at": "08:45"}, "number"),
        ("dzwonki", {"number": "9", "starts_at": "10:00", "ends_at": "09:00"}, "ends_at"),
        ("klasy", {"year": "YEAR", "name": "6b", "level": "6"}, "name"),
        ("klasy", {"year": "YEAR", "name": "9z", "level": "12"}, "level"),
        (
            "klasy",
            {"year": "YEAR", "name": "5c", "level": "5", "homeroom_teacher": "GUARDIAN"},
            "homeroom_teacher",
        ),
        ("grupy", {"school_class": "CLASS", "name": "NIEM gr. 1"}, "name"),
        ("przedmioty", {"name": "Matematyka"}, "name"),
        ("przedmioty", {"name": ""}, "name"),
        (
            "przydzialy",
            {
                "year": "YEAR",
                "subject": "SUBJECT",
                "school_class": "OTHERCLASS",
                "group": "GROUP",
                "teacher": "TEACHER",
            },
            "group",
        ),
        (
            "przydzialy",
            {"year": "YEAR", "subject": "SUBJECT", "school_class": "CLASS", "teacher": "TEACHER"},
            "__all__",
        ),
        (
            "przydzialy",
            {"year": "YEAR", "subject": "SUBJECT", "school_class": "CLASS", "teacher": "GUARDIAN"},
            "teacher",
        ),
    ],
)
def test_errors_are_form_errors_not_500(
    world: Any, admin: Client, kind: str, data: dict[str, str], field: str
) -> None:
    refs = {
        "YEAR": world.year.pk,
        "CLASS": world.school_class.pk,
        "OTHERCLASS": world.other_class.pk,
        "GROUP": world.group.pk,
        "SUBJECT": world.subject.pk,
        "TEACHER": world.user("teacher").pk,
        "GUARDIAN": world.user("guardian").pk,
    }
    payload = {k: str(refs.get(v, v)) for k, v in data.items()}
    before = HistoryEntry.objects.count()
    response = admin.post(reverse("school:structure_add", args=[kind]), payload)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    # Unique-constraint violations read as a sentence about this school, not Django's default.
    assert "instance" not in str(errors) and "School" not in str(errors)
    assert HistoryEntry.objects.count() == before


def test_cannot_reference_other_schools_objects(
    world: Any, other_world: Any, admin: Client
) -> None:
    response = admin.post(
        reverse("school:structure_add", args=["klasy"]),
        {
            "year": other_world.year.pk,
            "name": "5c",
            "level": "5",
            "homeroom_teacher": other_world.user("teacher").pk,
        },
    )
    assert response.status_code == 400
    assert {"year", "homeroom_teacher"} <= set(response.context["form"].errors)


def test_create_class_with_homeroom_teacher(world: Any, admin: Client) -> None:
    teacher = world.user("teacher")
    response = admin.post(
        reverse("school:structure_add", args=["klasy"]),
        {"year": world.year.pk, "name": "5c", "level": "5", "homeroom_teacher": teacher.pk},
    )
    assert response.status_code == 302
    assert SchoolClass.objects.get(school=world.school, name="5c").homeroom_teacher == teacher


def test_edit_term_dates(world: Any, admin: Client) -> None:
    url = reverse("school:structure_edit", args=["okresy", world.term.pk])
    response = admin.post(
        url,
        {"year": world.year.pk, "number": "1", "starts_on": "2026-09-02", "ends_on": "2027-01-30"},
    )
    assert response.status_code == 302
    world.term.refresh_from_db()
    assert world.term.starts_on == datetime.date(2026, 9, 2)
    entry = HistoryEntry.objects.get(code="school.term.changed")
    assert entry.old["starts_on"] == "2026-09-01" and entry.new["starts_on"] == "2026-09-02"


def test_group_members(world: Any, admin: Client) -> None:
    fill_class(world.school_class, 3)
    others = list(world.school_class.students.exclude(pk=world.student.pk))
    url = reverse("school:structure_edit", args=["grupy", world.group.pk])
    response = admin.post(
        url, {"name": "NIEM gr. 1", "members": [others[0].pk, others[1].pk, world.other_student.pk]}
    )
    assert response.status_code == 400  # a student of another class is not a valid choice
    response = admin.post(url, {"name": "NIEM gr. 1", "members": [others[0].pk, others[1].pk]})
    assert response.status_code == 302
    assert set(
        GroupMembership.objects.filter(group=world.group).values_list("student_id", flat=True)
    ) == {others[0].pk, others[1].pk}


def test_create_group_subject_period_course(world: Any, admin: Client) -> None:
    assert (
        admin.post(
            reverse("school:structure_add", args=["grupy"]),
            {"school_class": world.school_class.pk, "name": "ANG gr. 2"},
        ).status_code
        == 302
    )
    assert ClassGroup.objects.filter(name="ANG gr. 2", school=world.school).exists()
    assert (
        admin.post(
            reverse("school:structure_add", args=["przedmioty"]),
            {"name": "Język polski", "short_name": "POL"},
        ).status_code
        == 302
    )
    polish = Subject.objects.get(school=world.school, name="Język polski")
    assert (
        admin.post(
            reverse("school:structure_add", args=["dzwonki"]),
            {"number": "4", "starts_at": "10:45", "ends_at": "11:30"},
        ).status_code
        == 302
    )
    response = admin.post(
        reverse("school:structure_add", args=["przydzialy"]),
        {
            "year": world.year.pk,
            "subject": polish.pk,
            "school_class": world.school_class.pk,
            "group": world.group.pk,
            "teacher": world.user("teacher").pk,
        },
    )
    assert response.status_code == 302
    assert Course.objects.filter(subject=polish, group=world.group).exists()
    assert Term.objects.filter(school=world.school).count() == 2


def test_school_settings(world: Any, admin: Client) -> None:
    url = reverse("school:settings")
    response = admin.post(url, {"staff_idle_minutes": "1", "family_idle_minutes": "90"})
    assert "staff_idle_minutes" in response.context["form"].errors
    response = admin.post(
        url, {"staff_idle_minutes": "20", "family_idle_minutes": "90", "require_staff_2fa": "on"}
    )
    assert response.status_code == 302
    school = School.objects.get(pk=world.school.pk)
    assert (school.staff_idle_minutes, school.family_idle_minutes, school.require_staff_2fa) == (
        20,
        90,
        True,
    )
    assert HistoryEntry.objects.filter(code="school.settings.changed").exists()
    # From now on staff without two-factor sign-in are sent to set it up.
    assert admin.get(url)["Location"] == reverse("accounts:totp_setup")
