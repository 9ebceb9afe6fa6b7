"""Staff CSV import page: all or nothing, a table of bad cells, a slip per new login."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from kajet.accounts.models import StaffRole, User
from kajet.core.models import HistoryEntry
from kajet.school.tests.conftest import OFFICE, OUTSIDERS

pytestmark = pytest.mark.django_db

URL = reverse("school:staff_import")
HEADER = "imie;nazwisko;role;login;email"


def csv_file(rows: list[str], *, header: str = HEADER) -> SimpleUploadedFile:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return SimpleUploadedFile("kadra.csv", text.encode("utf-8-sig"), content_type="text/csv")


GOOD = [
    "Grażyna;Żółkiewska;nauczyciel;;g.z@example.pl",
    "Jędrzej;Łęcki;nauczyciel, dyrektor;j.lecki;",
    "Ewa;Kos;sekretariat;;",
]


def counts() -> tuple[int, int, int]:
    with scopes_disabled():
        return User.objects.count(), StaffRole.objects.count(), HistoryEntry.objects.count()


@pytest.mark.parametrize("role", [*OUTSIDERS, "psychologist"])
def test_other_roles_get_404(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    before = counts()
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"file": csv_file(GOOD)}).status_code == 404
    assert counts() == before


@pytest.mark.parametrize("role", OFFICE)
def test_import_creates_staff_with_roles_and_slips(
    world: Any, client_for: Any, role: str, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.user(role))
    page = client.get(URL)
    assert page.status_code == 200
    for column in HEADER.split(";"):
        assert column.encode() in page.content
    with django_assert_max_num_queries(30):
        response = client.post(URL, {"file": csv_file(GOOD)})
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"] == reverse("school:issued")
    new = {u.login: u for u in User.objects.filter(school=world.school, kind=User.Kind.STAFF)}
    assert {"g.zolkiewska", "j.lecki", "e.kos"} <= set(new)
    lecki = new["j.lecki"]
    assert lecki.must_change_password and lecki.first_name == "Jędrzej"
    assert set(StaffRole.objects.filter(user=lecki).values_list("role", flat=True)) == {
        "teacher",
        "principal",
    }
    assert new["g.zolkiewska"].email == "g.z@example.pl"
    assert HistoryEntry.objects.filter(code="school.staff.created").count() == 3
    slips = client.get(reverse("school:slips_print"))
    assert slips.content.count(b'<article class="slip') == 3
    assert b"g.zolkiewska" in slips.content


def test_one_bad_row_creates_nothing(world: Any, office: Client) -> None:
    rows = [*GOOD, "Adam;Mały;woźny;;", f"Ola;Lis;nauczyciel;{world.user('teacher').login};"]
    before = counts()
    response = office.post(URL, {"file": csv_file(rows)})
    assert response.status_code == 400
    assert counts() == before
    errors = response.context["report"].errors
    assert [(e.line, e.column) for e in errors] == [(5, "role"), (6, "login")]
    html = response.content.decode()
    assert 'class="bad"' in html and "woźny" in html and "Line 5" in html


def test_importing_the_same_file_twice_is_refused(world: Any, office: Client) -> None:
    assert office.post(URL, {"file": csv_file(GOOD)}).status_code == 302
    before = counts()
    response = office.post(URL, {"file": csv_file(GOOD)})
    assert response.status_code == 400
    assert len(response.context["report"].errors) == 3
    assert counts() == before


def test_unknown_column_is_a_file_error(world: Any, office: Client) -> None:
    response = office.post(URL, {"file": csv_file(GOOD, header="imie;nazwisko;rola;login;email")})
    assert response.status_code == 400
    assert "Unknown columns: rola" in " ".join(response.context["form"].errors["file"])


def test_other_school_staff_lands_in_its_own_school(
    world: Any, other_world: Any, client_for: Any
) -> None:
    """A namesake in another school is no obstacle, and the logins belong to the importer's
    school only."""
    with scopes_disabled():
        other = other_world.user("secretariat")
        response = client_for(other).post(URL, {"file": csv_file(GOOD[:1])})
        assert response.status_code == 302
        created = User.objects.get(login="g.zolkiewska")
        assert created.school_id == other_world.school.pk
    response = client_for(world.user("secretariat")).post(URL, {"file": csv_file(GOOD[:1])})
    assert response.status_code == 302
    assert User.objects.get(school=world.school, first_name="Grażyna").login == "g.zolkiewska2"
