"""The family's data export (GDPR art. 15/20): who gets the ZIP (the guardian for their child,
the student for themself; nobody else, nor another school), what it holds, and a fixed
number of queries however many grades there are."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.attendance import stats
from kajet.attendance.models import AttendanceMark, Excuse, ExcuseItem
from kajet.grades.models import Grade, GradeCategory, GradeColumn
from kajet.homework.models import Homework, HomeworkDone
from kajet.messaging.models import Message
from kajet.records.models import PrintJob
from kajet.records.selectors.data_export import family_data
from kajet.records.tests.helpers import DAY, lesson, pdf_text
from kajet.remarks.models import Remark, RemarkCategory
from kajet.school.models import Student
from kajet.testutils.factories import SchoolWorld


def _url(student: Student) -> str:
    return reverse("records:family_data_export", args=[student.pk])


def _grades(world: SchoolWorld, n: int) -> None:
    category, _ = GradeCategory.objects.get_or_create(
        school=world.school, name="Kartkówka", defaults={"weight": Decimal(2)}
    )
    for i in range(n):
        column = GradeColumn.objects.create(
            school=world.school,
            course=world.course,
            term=world.term,
            category=category,
            date=DAY + datetime.timedelta(days=i % 20),
            description=f"Ułamki {i}",
        )
        Grade.objects.create(
            school=world.school,
            student=world.student,
            course=world.course,
            term=world.term,
            column=column,
            text="4",
            value=Decimal(4),
            created_by=world.user("teacher"),
        )


def _remark(world: SchoolWorld, text: str, *, visible: bool) -> None:
    category, _ = RemarkCategory.objects.get_or_create(
        school=world.school, name="Zachowanie", defaults={"kind": "neutral"}
    )
    Remark.objects.create(
        school=world.school,
        student=world.student,
        author=world.user("teacher"),
        category=category,
        kind="neutral",
        text=text,
        date=DAY,
        visible_to_student=visible,
    )


def _export(client: Client, student: Student) -> zipfile.ZipFile:
    """Ask for the export (POST), let its background job run (the commit's callbacks, as the
    embedded default does), open the job's page and download the ZIP from it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(_url(student))
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Download the data (ZIP)" in page.content.decode()
    job = PrintJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == PrintJob.Status.DONE and job.kind == PrintJob.Kind.FAMILY_DATA
    download = client.get(reverse("records:print_job_file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    return zipfile.ZipFile(io.BytesIO(content))


def test_guardian_downloads_their_childs_data(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    _grades(world, 1)
    lesson(world.course, DAY, 1, "Ułamki zwykłe", {world.student.pk: stats.ABSENT})
    _remark(world, "Pomógł koledze.", visible=False)
    Message.objects.create(
        school=world.school,
        sender=world.user("homeroom_teacher"),
        subject="Wycieczka",
        body="Treść tylko dla adresatów",
        created_at=datetime.datetime(2026, 11, 17, 9, tzinfo=datetime.UTC),
        concerns_student=world.student,
        recipients_label="Rodzice 6b",
    )
    archive = _export(client_for(world.user("guardian")), world.student)
    assert sorted(archive.namelist()) == ["dane.json", "raport.pdf"]
    data = json.loads(archive.read("dane.json"))
    assert data["student"]["login_number"] == world.student.login_number
    assert data["guardians"][0]["last_name"] == world.user("guardian").last_name
    [grade] = data["grades"]
    assert grade["mark"] == "4" and grade["category"] == "Kartkówka"
    assert grade["subject"] == "Matematyka" and grade["date"] == DAY.isoformat()
    assert grade["teacher"] == world.user("teacher").full_name
    [mark] = data["attendance"]
    assert mark["counted_as"] == stats.ABSENT and mark["date"] == DAY.isoformat()
    assert [r["text"] for r in data["remarks"]] == ["Pomógł koledze."]
    [message] = data["messages"]
    assert message["sender"] == world.user("homeroom_teacher").full_name
    assert "Treść" not in json.dumps(data) and "Wycieczka" not in json.dumps(data)
    text = pdf_text(archive.read("raport.pdf"))
    assert "Raport dla rodziny" in text and world.student.user.full_name in text


def test_student_gets_their_own_data_without_hidden_remarks(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    _remark(world, "Widoczna uwaga.", visible=True)
    _remark(world, "Ukryta uwaga.", visible=False)
    archive = _export(client_for(world.user("student")), world.student)
    data = json.loads(archive.read("dane.json"))
    assert [r["text"] for r in data["remarks"]] == ["Widoczna uwaga."]


def test_nobody_else_gets_the_data(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    # another family's child
    assert client_for(world.user("guardian")).post(_url(world.other_student)).status_code == 404
    assert client_for(world.user("student")).post(_url(world.other_student)).status_code == 404
    # staff: the export is the family's (the school has its own pages)
    for role in ("homeroom_teacher", "principal", "teacher", "secretariat", "pedagogue"):
        assert client_for(world.user(role)).post(_url(world.student)).status_code == 404, role
    # another school's family
    assert client_for(other_world.user("guardian")).post(_url(world.student)).status_code == 404
    assert client_for(world.user("guardian")).post(_url(other_world.student)).status_code == 404


def test_asking_twice_is_one_job_and_a_get_changes_nothing(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.user("guardian"))
    assert client.get(_url(world.student)).status_code == 405
    assert not PrintJob.objects.exists()
    first = client.post(_url(world.student))  # not run yet: the job is still queued
    again = client.post(_url(world.student))
    assert first["Location"] == again["Location"]
    assert PrintJob.objects.count() == 1
    # the job is the guardian's: the student of the same family does not see it
    assert client_for(world.user("student")).get(first["Location"]).status_code == 404


def test_the_printouts_page_and_the_account_menu_link_to_it(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    page = client_for(world.user("guardian")).get(reverse("records:index")).content.decode()
    assert _url(world.student) in page
    assert f"{reverse('records:index')}#dane" in page
    page = client_for(world.user("principal")).get(reverse("records:index")).content.decode()
    assert _url(world.student) not in page and "#dane" not in page


def _excuse_and_homework(world: SchoolWorld, held: Any) -> None:
    excuse = Excuse.objects.create(
        school=world.school,
        student=world.student,
        submitted_by=world.user("guardian"),
        reason="Choroba",
    )
    for mark in AttendanceMark.objects.filter(lesson=held):
        ExcuseItem.objects.create(school=world.school, excuse=excuse, mark=mark)
    homework = Homework.objects.create(
        school=world.school,
        course=world.course,
        title="Zadania 1-5",
        set_on=DAY,
        due_on=DAY,
        author=world.user("teacher"),
    )
    HomeworkDone.objects.create(school=world.school, homework=homework, student=world.student)


def _queries(world: SchoolWorld) -> int:
    with CaptureQueriesContext(connection) as captured:
        family_data(world.student, viewer=world.user("guardian"))
    return len(captured)


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_data(world: SchoolWorld) -> None:
    _grades(world, 10)
    _excuse_and_homework(world, lesson(world.course, DAY, 1, "A", {world.student.pk: stats.ABSENT}))
    few = _queries(world)
    _grades(world, 90)
    for number in (2, 3):
        held = lesson(world.course, DAY, number, "B", {world.student.pk: stats.ABSENT})
        _excuse_and_homework(world, held)
    _remark(world, "Uwaga.", visible=True)
    data = family_data(world.student, viewer=world.user("guardian"))
    assert len(data["grades"]) == 100 and len(data["excuses"]) == 3
    assert len(data["homework_done"]) == 3 and data["excuses"][0]["absences"][0]["date"]
    assert _queries(world) == few
