"""The register's XML export: the committed schema is the generated one, every export
validates against it, the command's bad input."""

from __future__ import annotations

import io
import pathlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from lxml import etree

from kajet.records.tests.helpers import fill_class
from kajet.records.xmlio.export import register_chunks
from kajet.records.xmlio.xsd import SCHEMA_PATH, schema, schema_text
from kajet.testutils.factories import SchoolWorld

NS = "{https://kajet.org.pl/xml/register/1}"


def export_text(world: SchoolWorld) -> str:
    return "".join(register_chunks(school=world.school, year=world.year))


def validated(text: str) -> etree._Element:
    root = etree.fromstring(text.encode())
    schema().assertValid(root)
    return root


def test_committed_schema_is_the_generated_one() -> None:
    assert pathlib.Path(SCHEMA_PATH).read_text(encoding="utf-8") == schema_text()


def test_schema_documents_every_element_and_attribute_in_polish_and_english() -> None:
    xs = "{http://www.w3.org/2001/XMLSchema}"
    tree = etree.parse(SCHEMA_PATH)
    documented = [*tree.iter(f"{xs}attribute"), *tree.iter(f"{xs}complexType")]
    documented += [e for e in tree.iter(f"{xs}element") if e.get("name")]
    for node in documented:
        if node.get("maxOccurs"):  # a row inside its group: documented by its type
            continue
        if node.tag == f"{xs}complexType" and not node.get("name"):
            continue
        langs = [
            d.get("{http://www.w3.org/XML/1998/namespace}lang")
            for d in node.findall(f"{xs}annotation/{xs}documentation")
        ]
        assert langs == ["pl", "en"], node.get("name")


def test_export_validates_and_holds_the_register(world: SchoolWorld) -> None:
    data = fill_class(world)
    root = validated(export_text(world))
    assert root.get("formatVersion") == "1"
    assert root.find(f"{NS}schoolYear").get("name") == world.year.name
    students = {int(s.get("id")) for s in root.iterfind(f"{NS}students/{NS}student")}
    assert students >= {s.pk for s in data["students"]}
    topics = {e.get("topic") for e in root.iter(f"{NS}lesson")}
    assert "Pan Tadeusz — inwokacja" in topics
    assert root.findall(f"{NS}attendanceMarks/{NS}attendanceMark")
    assert root.findall(f"{NS}grades/{NS}grade")
    users = root.findall(f"{NS}users/{NS}user")
    assert users and all(u.get("password") is None for u in users)


def test_export_leaves_out_other_schools(world: SchoolWorld, other_world: SchoolWorld) -> None:
    root = validated(export_text(world))
    logins = {u.get("login") for u in root.iter(f"{NS}user")}
    assert world.user("teacher").login in logins
    assert other_world.user("teacher").login not in logins


def test_text_that_xml_cannot_carry_is_replaced(world: SchoolWorld) -> None:
    world.school.name = 'Szkoła\x01 <&> "nr 1"\nul. Długa'
    world.school.save()
    root = validated(export_text(world))
    assert root.find(f"{NS}school").get("name") == 'Szkoła\ufffd <&> "nr 1"\nul. Długa'


def test_command_writes_the_export(world: SchoolWorld, tmp_path: pathlib.Path) -> None:
    out = io.StringIO()
    call_command("export_register", school=world.school.pk, year=world.year.name, stdout=out)
    validated(out.getvalue())
    target = tmp_path / "rejestr.xml"
    call_command(
        "export_register", school=world.school.pk, year=world.year.name, output=str(target)
    )
    validated(target.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("school", "year", "message"),
    [(999999, "2026/2027", "no school"), (None, "1999/2000", "no school year")],
)
def test_command_bad_input(world: SchoolWorld, school: int | None, year: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("export_register", school=school or world.school.pk, year=year)


ROLES = [
    "guardian",
    "student",
    "teacher",
    "homeroom_teacher",
    "pedagogue",
    "psychologist",
    "secretariat",
    "school_admin",
]


def test_export_page_principal_only(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    fill_class(world)
    url = reverse("records:xml_export", args=[world.year.pk])
    response = client_for(world.user("principal")).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert "kajet-rejestr-2026-2027.xml" in response["Content-Disposition"]
    root = validated(b"".join(response.streaming_content).decode())  # type: ignore[attr-defined]
    assert root.find(f"{NS}school").get("name") == world.school.name
    for role in ROLES:
        assert client_for(world.user(role)).get(url).status_code == 404, role
    assert client_for(other_world.user("principal")).get(url).status_code == 404


def test_printouts_page_offers_the_export_to_the_principal(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    url = reverse("records:xml_export", args=[world.year.pk])
    page = client_for(world.user("principal")).get(reverse("records:index"))
    assert url in page.content.decode()
    page = client_for(world.user("homeroom_teacher")).get(reverse("records:index"))
    assert url not in page.content.decode()
