"""CSV import page: all or nothing, a per-row per-column report, 400 students in bulk."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import User
from kajet.core.models import HistoryEntry
from kajet.school.csv_import import MAX_FILE_BYTES
from kajet.school.models import Guardianship, Student
from kajet.school.tests.conftest import OFFICE, OUTSIDERS

pytestmark = pytest.mark.django_db

URL = reverse("school:student_import")
HEADER = (
    "imie;nazwisko;klasa;data_urodzenia;opiekun1_imie;opiekun1_nazwisko;opiekun1_email;"
    "opiekun2_imie;opiekun2_nazwisko;opiekun2_email"
)
FIRST = ["Zofia", "Łukasz", "Małgorzata", "Jędrzej", "Ewa", "Bożena", "Żaneta", "Ślimak"]
LAST = ["Wójcik", "Żak", "Kowalska", "Nowak", "Dąbrowska", "Gęś", "Źdźbło", "Łęcka"]


def csv_file(
    rows: list[str], *, header: str = HEADER, encoding: str = "utf-8-sig"
) -> SimpleUploadedFile:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return SimpleUploadedFile("uczniowie.csv", text.encode(encoding), content_type="text/csv")


def rows_for(classes: list[str], count: int) -> list[str]:
    rows = []
    letters = "abcdefghij"
    for i in range(count):
        suffix = "" if i < 8 else f"-{letters[i // 8 % 10]}{letters[i // 80 % 10]}"
        first, last = FIRST[i % 8], f"{LAST[i % 8]}{suffix}"
        second = f"Jan;{last};jan{i}@example.pl" if i % 2 else ";;"
        school_class = classes[i % len(classes)]
        born = f"2015-0{1 + i % 9}-1{i % 9}"
        rows.append(f"{first};{last};{school_class};{born};Anna;{last};a{i}@example.pl;{second}")
    return rows


@pytest.mark.parametrize("role", OUTSIDERS)
def test_other_roles_get_404(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"file": csv_file(rows_for(["6b"], 1))}).status_code == 404
    assert Student.objects.count() == 2


@pytest.mark.parametrize("role", OFFICE)
def test_page_documents_the_columns(world: Any, client_for: Any, role: str) -> None:
    response = client_for(world.user(role)).get(URL)
    assert response.status_code == 200
    for column in HEADER.split(";"):
        assert column.encode() in response.content


def test_import_400_students_with_bounded_queries(
    world: Any, office: Client, django_assert_max_num_queries: Any
) -> None:
    before_users = User.objects.count()
    upload = csv_file(rows_for(["6b", "2a"], 400))
    with django_assert_max_num_queries(60):
        response = office.post(URL, {"file": upload})
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"] == reverse("school:issued")
    new = Student.objects.filter(school=world.school).exclude(
        pk__in=[world.student.pk, world.other_student.pk]
    )
    assert new.count() == 400
    assert new.filter(school_class=world.school_class).count() == 200
    # 400 students + 400 first guardians + 200 second guardians.
    assert User.objects.count() - before_users == 1000
    assert Guardianship.objects.filter(student__in=new).count() == 600
    assert HistoryEntry.objects.filter(code="school.student.enrolled").count() == 400
    zofia = new.filter(user__first_name="Zofia", user__last_name="Wójcik").first()
    assert zofia is not None and zofia.user.last_name == "Wójcik"
    # The logins page lists every family and offers to print all slips.
    issued = office.get(reverse("school:issued"))
    assert len(issued.context["slips"]) == 400
    assert reverse("school:slips_print").encode() in issued.content
    slips = office.get(reverse("school:slips_print"))
    assert slips.content.count(b'<article class="slip') == 400


def test_one_bad_row_imports_nothing(world: Any, office: Client) -> None:
    rows = rows_for(["6b"], 30)
    rows[17] = rows[17].replace(";6b;", ";9z;")
    before = (Student.objects.count(), User.objects.count(), HistoryEntry.objects.count())
    response = office.post(URL, {"file": csv_file(rows)})
    assert response.status_code == 400
    assert (Student.objects.count(), User.objects.count(), HistoryEntry.objects.count()) == before
    report = response.context["report"]
    assert [(e.line, e.column) for e in report.errors] == [(19, "klasa")]
    html = response.content.decode()
    assert 'class="bad"' in html and "9z" in html
    assert response.context["error_rows"][0]["line"] == 19


def test_error_report_shows_line_column_and_message(world: Any, office: Client) -> None:
    office.cookies["django_language"] = "en"
    response = office.post(URL, {"file": csv_file([";Wójcik;6b;;Ewa;Wójcik;;;;"])})
    assert response.status_code == 400
    (error,) = response.context["report"].errors
    assert (error.line, error.column, error.message) == (2, "imie", "Required.")
    assert "Line 2" in response.content.decode()


def test_reimporting_the_same_file_is_refused(world: Any, office: Client) -> None:
    rows = rows_for(["6b"], 3)
    assert office.post(URL, {"file": csv_file(rows)}).status_code == 302
    response = office.post(URL, {"file": csv_file(rows)})
    assert response.status_code == 400
    assert len(response.context["report"].errors) == 3


def test_comma_file_without_bom(world: Any, office: Client) -> None:
    rows = [r.replace(";", ",") for r in rows_for(["6b"], 2)]
    response = office.post(
        URL, {"file": csv_file(rows, header=HEADER.replace(";", ","), encoding="utf-8")}
    )
    assert response.status_code == 302
    assert Student.objects.filter(user__last_name="Żak").exists()


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (SimpleUploadedFile("a.csv", b"x" * (MAX_FILE_BYTES + 1)), "too large"),
        (SimpleUploadedFile("a.csv", "imię;nazwisko\n".encode("cp1250")), "UTF-8"),
        (SimpleUploadedFile("a.csv", b"imie;nazwisko;klasa\nA;B;6b\n"), "Missing required columns"),
    ],
    ids=["size", "encoding", "header"],
)
def test_file_level_errors_are_field_errors(
    world: Any, office: Client, upload: Any, fragment: str
) -> None:
    office.cookies["django_language"] = "en"
    response = office.post(URL, {"file": upload})
    assert response.status_code in (200, 400)
    assert fragment in " ".join(response.context["form"].errors["file"])
    assert Student.objects.count() == 2


def test_classes_of_other_school_are_unknown(world: Any, other_world: Any, client_for: Any) -> None:
    other_world.school_class.name = "7c"
    other_world.school_class.save()
    response = client_for(world.user("secretariat")).post(
        URL, {"file": csv_file(rows_for(["7c"], 1))}
    )
    assert response.status_code == 400
    assert response.context["report"].errors[0].column == "klasa"
