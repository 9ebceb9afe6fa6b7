"""The administrator's attendance settings pages: every role of the school (only the school
administrator gets in), the administrator of another school (404), the forms' errors, the
navigation entry."""

from typing import Any

import pytest
from django.urls import reverse

from kajet.accounts.models import Role
from kajet.attendance import policy, services, stats
from kajet.attendance.models import AttendanceMark, AttendancePolicy, AttendanceType
from kajet.attendance.tests.helpers import held_lesson, recent_weekday
from kajet.core.models import HistoryEntry

ROLES = [str(r.value) for r in Role]


def _trip(world: Any, **values: Any) -> AttendanceType:
    fields = {"name": "wycieczka", "code": "wy", "colour": "#fde047", "kind": stats.PRESENT}
    fields.update(values)
    return policy.attendance_type_add(
        actor=world.user("school_admin"), school=world.school, **fields
    )


def _pages(world: Any) -> list[str]:
    trip = _trip(world)
    return [
        reverse("attendance:policy"),
        reverse("attendance:types"),
        reverse("attendance:type_new"),
        reverse("attendance:type_edit", args=[trip.pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_school_administrator_gets_in(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    expected = 200 if role == Role.SCHOOL_ADMIN else 404
    for url in _pages(world):
        assert client.get(url).status_code == expected, (role, url)
    trip = AttendanceType.objects.get(code="wy")
    state = reverse("attendance:type_state", args=[trip.pk])
    response = client.post(state, {"action": "deactivate"})
    assert response.status_code == (302 if role == Role.SCHOOL_ADMIN else 404)
    assert AttendanceType.objects.get(pk=trip.pk).is_active is (role != Role.SCHOOL_ADMIN)


def test_other_schools_administrator_gets_404(
    world: Any, other_world: Any, client_for: Any
) -> None:
    trip = _trip(world)
    intruder = client_for(other_world.user("school_admin"))
    assert intruder.get(reverse("attendance:type_edit", args=[trip.pk])).status_code == 404
    edit = intruder.post(
        reverse("attendance:type_edit", args=[trip.pk]),
        {"name": "x", "code": "x", "colour": "#000000", "kind": "absent"},
    )
    assert edit.status_code == 404
    state = intruder.post(reverse("attendance:type_state", args=[trip.pk]), {"action": "delete"})
    assert state.status_code == 404
    assert AttendanceType.objects.get(pk=trip.pk).name == "wycieczka"
    # their own policy page shows their school's values, not school A's
    AttendancePolicy.objects.create(school=world.school, threshold_percent=77)
    page = intruder.get(reverse("attendance:policy")).content.decode()
    assert 'value="77"' not in page and 'value="50"' in page
    assert "wycieczka" not in intruder.get(reverse("attendance:types")).content.decode()


def test_standard_type_has_no_edit_page(world: Any, client_for: Any) -> None:
    absent = services.standard_type(services.attendance_types_for(world.school), stats.ABSENT)
    admin = client_for(world.user("school_admin"))
    assert admin.get(reverse("attendance:type_edit", args=[absent.pk])).status_code == 404
    response = admin.post(reverse("attendance:type_state", args=[absent.pk]), {"action": "delete"})
    assert response.status_code == 404
    assert AttendanceType.objects.filter(pk=absent.pk).exists()


def test_policy_page_saves_and_shows_errors(world: Any, client_for: Any) -> None:
    admin = client_for(world.user("school_admin"))
    url = reverse("attendance:policy")
    page = admin.get(url).content.decode()
    assert 'name="threshold_percent"' in page and 'value="50"' in page
    saved = admin.post(
        url, {"threshold_percent": "75", "excuse_deadline_days": "10", "adult_self_excuse": "on"}
    )
    assert saved.status_code == 302
    row = AttendancePolicy.objects.get(school=world.school)
    assert (row.threshold_percent, row.excuse_deadline_days, row.adult_self_excuse) == (
        75,
        10,
        True,
    )
    assert HistoryEntry.objects.filter(code="attendance.policy.changed").exists()
    bad = admin.post(url, {"threshold_percent": "150", "excuse_deadline_days": "abc"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "less than or equal to 100" in text and "Enter a whole number" in text
    assert AttendancePolicy.objects.get(school=world.school).threshold_percent == 75


def test_types_page_lists_standard_and_own_types(world: Any, client_for: Any) -> None:
    trip = _trip(world)
    _, marks = held_lesson(world.course, recent_weekday(), kinds={world.student: stats.PRESENT})
    AttendanceMark.objects.filter(pk=marks[world.student.pk].pk).update(type=trip)
    page = client_for(world.user("school_admin")).get(reverse("attendance:types")).content.decode()
    for code in ("ob", "nb", "u", "sp", "zw", "wy"):
        assert f">{code}</span>" in page
    assert "background:#fde047;color:#000000" in page
    assert reverse("attendance:type_edit", args=[trip.pk]) in page


def test_types_page_constant_queries(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.user("school_admin"))
    _trip(world)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("attendance:types"))
    for n in range(6):
        _trip(world, name=f"typ {n}", code=f"t{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("attendance:types"))


def test_add_edit_deactivate_through_the_pages(world: Any, client_for: Any) -> None:
    admin = client_for(world.user("school_admin"))
    created = admin.post(
        reverse("attendance:type_new"),
        {"name": "wycieczka", "code": "wy", "colour": "#FDE047", "kind": "present"},
    )
    assert created.status_code == 302 and created["Location"] == reverse("attendance:types")
    trip = AttendanceType.objects.get(code="wy")
    assert trip.colour == "#fde047"
    duplicate = admin.post(
        reverse("attendance:type_new"),
        {"name": "inna", "code": "WY", "colour": "#000000", "kind": "present"},
    )
    assert duplicate.status_code == 400
    assert "already used by another type" in duplicate.content.decode()
    bad_kind = admin.post(
        reverse("attendance:type_new"),
        {"name": "inna", "code": "in", "colour": "#000000", "kind": "holiday"},
    )
    assert bad_kind.status_code == 400
    assert AttendanceType.objects.filter(is_standard=False).count() == 1
    edit = reverse("attendance:type_edit", args=[trip.pk])
    assert (
        admin.post(
            edit,
            {"name": "wycieczka szkolna", "code": "wy", "colour": "#0f766e", "kind": "present"},
        ).status_code
        == 302
    )
    assert AttendanceType.objects.get(pk=trip.pk).name == "wycieczka szkolna"
    # in use: the delete offer disappears, deleting is refused, deactivating works
    _, marks = held_lesson(world.course, recent_weekday(), kinds={world.student: stats.PRESENT})
    AttendanceMark.objects.filter(pk=marks[world.student.pk].pk).update(type=trip)
    assert 'value="delete"' not in admin.get(edit).content.decode()
    state = reverse("attendance:type_state", args=[trip.pk])
    refused = admin.post(state, {"action": "delete"}, follow=True)
    assert "deactivate it instead" in refused.content.decode()
    assert AttendanceType.objects.filter(pk=trip.pk).exists()
    assert admin.post(state, {"action": "deactivate"}).status_code == 302
    assert not AttendanceType.objects.get(pk=trip.pk).is_active
    assert AttendanceMark.objects.get(pk=marks[world.student.pk].pk).type_id == trip.pk
    assert admin.get(state).status_code == 405


def test_navigation_and_index_for_the_administrator(world: Any, client_for: Any) -> None:
    admin = client_for(world.user("school_admin"))
    home = admin.get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("attendance:index")}"' in home
    assert admin.get(reverse("attendance:index"))["Location"] == reverse("attendance:policy")
    secretariat = client_for(world.user("secretariat"))
    assert (
        f'href="{reverse("attendance:index")}"'
        not in secretariat.get(reverse("dashboard:home")).content.decode()
    )
    # the teacher's sheet has no link to the settings
    page = client_for(world.user("teacher")).get(reverse("attendance:today")).content.decode()
    assert reverse("attendance:policy") not in page
